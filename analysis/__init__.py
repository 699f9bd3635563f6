"""The monthly SPKP/SPAK analysis: pure computation from the bot's SQLite file to numbers,
charts and report files. Nothing here imports telegram or pyplot; the database is opened
read-only.

Modules::

    quota         who counts: the first N persons of a month (the one SQL of the rule)
    data          read a period (quota applied in SQL): tallies, or one row per submission
    indices       item indices, IPP, IPAK, categories, LKE PMPZI 3-month value
    summary       the JSON-able summary (``surveibot report --json``)
    demographics  gender, age group, education and occupation counts
    suggestions   which answers are suggestions, which are the same, which concern the SPAK
    charts        Gambar 1–6 as matplotlib Figures
    report        build_report(): charts + XLSX workbook + DOCX draft in one call
    numbers, periods   Indonesian number and month formats
    zones         the survey's time zone and its abbreviation (WIB)
    texts         the report's words: templates from data/report.toml, by language
    safe_text     text every file, chart and Telegram message can carry (the bot uses it too)
"""
