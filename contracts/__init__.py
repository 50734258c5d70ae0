"""The `contracts` command and the settings every surface shares."""
