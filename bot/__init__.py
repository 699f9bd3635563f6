"""The Telegram side of surveibot: who it serves (respondent/, admin/, staff/, reminders), where
it keeps everything (store/), the command line (cli/) and the fake Bot API (sandbox/)."""
