"""What respondents see and tap: the questionnaire's screens, typed answers, buttons, privacy."""
