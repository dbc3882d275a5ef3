"""What champions and supervisors ask of the force: caseloads, lists, stats and exports, and
the periods and scopes they are asked over."""
