"""The command line, apart from the handlers: ``surveibot run``, report, import/export, backup,
demo."""
