"""What the app's logs may keep: credentials are masked in every record."""
