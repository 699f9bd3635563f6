"""Test support: the helpers tests import; the fixtures built on them are in tests/conftest.py.

- :mod:`tests.support.app`: the repository path and test token, a :class:`~tests.support.app.Clock`
  the test moves by hand, ``unit_config`` (a unit's config file) and ``running`` (a real
  Application over the sandbox Bot API, failing the test on any handler exception).
- :mod:`tests.support.crowd`: simulated respondents who answer, retry and reopen like people.
- :mod:`tests.support.invariants`: what every fault run must leave in the database file.
- :mod:`tests.support.deployed`: the bot as deployed, in its own process over HTTP.
- :mod:`tests.support.virtual_time`: an event loop on a virtual clock for paced code.
- :mod:`tests.support.telegram_html`: Telegram's HTML rules, checked on every text sent.
- :mod:`tests.support.fake_report`: tiny stand-in report files for staff-post tests.
- :mod:`tests.support.analysis_fixtures`: SQLite files with the bot's schema for analysis tests.
- :mod:`tests.support.documents`: the text of a report DOCX, the cells of an XLSX.
- :mod:`tests.support.survey`: a respondent walked through the survey, and the rows it left.
- :mod:`tests.support.cli`: the command line run in-process; the reference's January as CSV.
- :mod:`tests.support.import_rows`: rows of an import file, written as CSV.
- :mod:`tests.support.staff`: the staff chat: its ids, submissions stored as the bot would, the post
- :mod:`tests.support.admin`: an admin and the bot with a staff chat; what the admin's chat shows.
- :mod:`tests.support.docx_draft`: the report draft as Word reads it, and January's drafts.
- :mod:`tests.support.report_files`: January's report files, built when read, and their readers.
- :mod:`tests.support.echo_bot`: a plain PTB bot over the sandbox, for the sandbox's own tests.
- :mod:`tests.support.flaky`: a sandbox failing at a rate, and the errors that must raise.
- :mod:`tests.support.storage_faults`: a writer connection made to fail, respondents at each step.
"""
