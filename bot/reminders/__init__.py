"""Reminders to respondents who stopped halfway, paced to Telegram's limits."""
