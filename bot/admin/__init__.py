"""What the unit's admins use: commands, their arguments, on-demand reports, alerts to them."""
