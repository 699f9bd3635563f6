"""The survey itself, apart from Telegram, pandas and SQL: the questionnaire and its steps, the
survey period, scoring (half-up rounding, bands, categories), the unit's texts, text cleaning and
the one loader of the text catalogues. ``bot`` and ``analysis`` both build on it."""
