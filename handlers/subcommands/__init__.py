"""One module per group of /dvpn subcommands."""
