"""Domestic-abuse incidents and the safeguarding clocks around them: DASH, attendance, crime
recording, the protective-notice decision, MARAC referrals and actions, Operation Encompass."""
