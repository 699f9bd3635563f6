"""Config: every bad value is refused with a message naming the file and the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import TOKEN_ENV, ConfigError, load
from survey import console

TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
REPO = Path(__file__).resolve().parent.parent

GOOD = f"""
[telegram]
token = "{TOKEN}"
staff_chat_id = -1001234567890
admin_ids = [42]

[storage]
path = "data/survey.db"

[survey]
monthly_quota = 30
timezone = "Asia/Jakarta"
default_language = "id"

[[services]]
code = "cpob"
name = "Sertifikasi/Resertifikasi CPOB"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_loads_with_the_four_reference_services() -> None:
    config = load(REPO / "config.example.toml", {TOKEN_ENV: TOKEN})
    assert [s.code for s in config.services] == [
        "cpob",
        "cpob_impor",
        "fasilitas_bersama",
        "suket_cpob",
    ]
    assert config.service("cpob_impor") is not None
    assert config.service("cpob_impor").name == (  # type: ignore[union-attr]
        "Penilaian Pemenuhan CPOB Fasilitas Produksi Obat Impor"
    )
    assert config.survey.monthly_quota == 30
    assert str(config.survey.timezone) == "Asia/Jakarta"
    assert config.survey.default_language == "id"
    assert config.telegram.base_url is None
    assert config.reports.unit_name == (
        "Direktorat Pengawasan Produksi Obat, Narkotika, Psikotropika dan Prekursor"
    )


def test_good_config_resolves_paths_next_to_the_file(tmp_path: Path) -> None:
    config = load(write(tmp_path, GOOD), {})
    assert config.storage.path == tmp_path / "data" / "survey.db"
    assert config.telegram.staff_chat_id == -1001234567890
    assert config.telegram.admin_ids == (42,)


def test_environment_token_overrides_the_file(tmp_path: Path) -> None:
    other = "999:ZYXWVUTSRQPONMLKJIHGFEDCBA"
    config = load(write(tmp_path, GOOD), {TOKEN_ENV: other})
    assert config.telegram.token == other


def test_token_never_shows_in_repr(tmp_path: Path) -> None:
    config = load(write(tmp_path, GOOD), {})
    assert TOKEN not in repr(config)
    assert TOKEN not in str(config.telegram)


def test_base_url_gives_matching_file_url(tmp_path: Path) -> None:
    text = GOOD.replace("[telegram]", '[telegram]\nbase_url = "http://127.0.0.1:8081/bot/"')
    config = load(write(tmp_path, text), {})
    assert config.telegram.base_url == "http://127.0.0.1:8081/bot"
    assert config.telegram.base_file_url == "http://127.0.0.1:8081/file/bot"


def test_missing_token_says_how_to_set_it(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace(f'token = "{TOKEN}"', ""))
    with pytest.raises(ConfigError) as caught:
        load(path, {})
    message = str(caught.value)
    assert str(path) in message
    assert "[telegram] token" in message
    assert "@BotFather" in message
    assert TOKEN_ENV in message


@pytest.mark.parametrize(
    ("old", "new", "names"),
    [
        (f'token = "{TOKEN}"', 'token = "not-a-token"', "[telegram] token"),
        (f'token = "{TOKEN}"', "token = 5", "[telegram] token"),
        ("staff_chat_id = -1001234567890", 'staff_chat_id = "@staff"', "[telegram] staff_chat_id"),
        ("admin_ids = [42]", 'admin_ids = ["alice"]', "[telegram] admin_ids"),
        ("admin_ids = [42]", "admin_ids = 42", "[telegram] admin_ids"),
        ("[telegram]", '[telegram]\nbase_url = "ftp://x"', "[telegram] base_url"),
        ("[telegram]", "[telegram]\nconnection_pool_size = 0", "[telegram] connection_pool_size"),
        (
            "[telegram]",
            '[telegram]\nconnection_pool_size = "16"',
            "[telegram] connection_pool_size",
        ),
        ('path = "data/survey.db"', "", "[storage] path"),
        ('path = "data/survey.db"', 'path = ""', "[storage] path"),
        ("monthly_quota = 30", "monthly_quota = 0", "[survey] monthly_quota"),
        ("monthly_quota = 30", 'monthly_quota = "30"', "[survey] monthly_quota"),
        ("monthly_quota = 30", "monthly_quota = true", "[survey] monthly_quota"),
        ('timezone = "Asia/Jakarta"', 'timezone = "Asia/Atlantis"', "[survey] timezone"),
        ('default_language = "id"', 'default_language = "fr"', "[survey] default_language"),
        (
            'default_language = "id"',
            'questionnaire = "nowhere.toml"',
            "[survey] questionnaire",
        ),
        ('code = "cpob"', 'code = "cpob impor"', "[services #1] code"),
        ('code = "cpob"', "", "[services #1] code"),
        ('name = "Sertifikasi/Resertifikasi CPOB"', 'name = " "', "[services #1] name"),
        ("[[services]]", "[other]", "[other]"),
        ("[storage]", "[nothing]", "[nothing]"),
        ("admin_ids = [42]", "admin_ids = [42", "bukan TOML yang sah"),
    ],
)
def test_bad_value_names_file_and_key(tmp_path: Path, old: str, new: str, names: str) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ConfigError) as caught:
        load(path, {})
    assert str(path) in str(caught.value)
    assert names in str(caught.value)


def test_unit_name_is_optional_and_never_blank(tmp_path: Path) -> None:
    assert load(write(tmp_path, GOOD), {}).reports.unit_name is None
    named = GOOD + '\n[reports]\nunit_name = " Balai   Besar POM di Bandung "\n'
    assert load(write(tmp_path, named), {}).reports.unit_name == "Balai Besar POM di Bandung"
    blank = GOOD + '\n[reports]\nunit_name = "  "\n'
    with pytest.raises(ConfigError, match=r"\[reports\] unit_name tidak boleh kosong"):
        load(write(tmp_path, blank), {})


def test_services_missing(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD[: GOOD.index("[[services]]")])
    with pytest.raises(ConfigError, match=r"\[\[services\]\] belum diisi"):
        load(path, {})


def test_repeated_service_code(tmp_path: Path) -> None:
    text = GOOD + '\n[[services]]\ncode = "cpob"\nname = "Lagi"\n'
    with pytest.raises(ConfigError, match=r"\[services #2\] code mengulang 'cpob'"):
        load(write(tmp_path, text), {})


def test_storage_path_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "data" / "survey.db").mkdir(parents=True)
    with pytest.raises(ConfigError, match=r"\[storage\] path adalah folder"):
        load(write(tmp_path, GOOD), {})


def test_missing_file_says_to_copy_the_example(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config\.example\.toml"):
        load(tmp_path / "absent.toml", {})


def test_custom_questionnaire_is_validated(tmp_path: Path) -> None:
    (tmp_path / "q.toml").write_text('languages = ["id"]\n', encoding="utf-8")
    text = GOOD.replace('default_language = "id"', 'questionnaire = "q.toml"')
    with pytest.raises(ConfigError, match=r"\[survey\] questionnaire .*'identity' belum diisi"):
        load(write(tmp_path, text), {})


@pytest.mark.parametrize(
    "text",
    [
        GOOD.replace(f'token = "{TOKEN}"', ""),
        GOOD.replace("monthly_quota = 30", "monthly_quota = -1"),
    ],
)
def test_command_line_exits_non_zero_without_traceback(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", "-c", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )
    assert done.returncode == 1  # the command line was right; the configuration is not
    assert "Traceback" not in done.stderr
    assert str(path) in done.stderr


# -- [reports] legal_basis and unit_texts ---------------------------------------------------------

EXAMPLE_TEXTS = REPO / "survey" / "data" / "unit-texts.example.toml"


def test_example_config_cites_the_inspektur_utamas_letter() -> None:
    config = load(REPO / "config.example.toml", {TOKEN_ENV: TOKEN})

    assert config.reports.legal_basis == (
        "surat dari Inspektur Utama No. B-PI.06.06.7.72.03.23.130 tanggal 7 Maret 2023 perihal "
        "Pelaksanaan Survei Persepsi Kualitas Pelayanan (SPKP) dan Persepsi Anti Korupsi (SPAK)",
    )
    assert config.reports.unit_texts is None  # until the unit copies the example and names it


@pytest.mark.parametrize("line", ['legal_basis = "surat"', 'legal_basis = ["  "]'])
def test_legal_basis_is_a_list_of_lines(tmp_path: Path, line: str) -> None:
    path = write(tmp_path, f"{GOOD}\n[reports]\n{line}\n")

    with pytest.raises(ConfigError) as caught:
        load(path, {})
    assert f"{path}: [reports] legal_basis" in str(caught.value)


def test_the_unit_texts_load_as_the_example_config_says(tmp_path: Path) -> None:
    # config.example.toml: cp survey/data/unit-texts.example.toml unit-texts.toml, then uncomment
    example = (REPO / "config.example.toml").read_text(encoding="utf-8")
    assert "#     cp survey/data/unit-texts.example.toml unit-texts.toml" in example
    (tmp_path / "unit-texts.toml").write_bytes(EXAMPLE_TEXTS.read_bytes())
    text = example.replace('# unit_texts = "unit-texts.toml"', 'unit_texts = "unit-texts.toml"')
    path = write(tmp_path, text)

    texts = load(path, {TOKEN_ENV: TOKEN}).reports.unit_texts
    assert texts is not None and texts.source == tmp_path / "unit-texts.toml"
    assert texts.foreword[0].template.endswith("periode {bulan} ini dapat diselesaikan.")
    assert texts.signature[0] == "Jakarta, {tanggal}"
    assert texts.introduction and texts.anti_corruption_efforts and texts.spak_follow_up


@pytest.mark.parametrize(
    ("body", "key", "problem_id", "problem_en"),
    [
        ('forword = "Puji syukur"', "forword", "bukan kunci yang dikenal", "is not a known key"),
        (
            'foreword = "periode {bulan} di {unit_kerja}"',
            "foreword",
            "memakai {unit_kerja}, yang tidak dikenal",
            "uses {unit_kerja}, which is not known",
        ),
        (
            'signature = ["Jakarta, {tanggal:>10}"]',
            "signature",
            "memakai {tanggal:>10}",
            "uses {tanggal:>10}",
        ),
        ('introduction = "a { b"', "introduction", "kurung kurawal", "brace"),
        ('spak_follow_up = "*Tidak"', "spak_follow_up", "tanpa pasangan", "without its pair"),
        ('introduction = " "', "introduction", "kosong", "is empty"),
        ("signature = 3", "signature", "harus daftar", "must be a list"),
    ],
)
def test_a_unit_text_file_with_an_unknown_key_or_placeholder_is_refused(
    tmp_path: Path, body: str, key: str, problem_id: str, problem_en: str
) -> None:
    texts = tmp_path / "unit-texts.toml"
    texts.write_text(body + "\n", encoding="utf-8")
    path = write(tmp_path, f'{GOOD}\n[reports]\nunit_texts = "unit-texts.toml"\n')

    for language, problem in (("id", problem_id), ("en", problem_en)):
        console.use(language)
        with pytest.raises(ConfigError) as caught:
            load(path, {})
        message = str(caught.value)
        assert message.startswith(f"{path}: [reports] unit_texts ")
        assert f"{texts}: {key} " in message and problem in message, message


def test_a_missing_unit_text_file_says_to_copy_the_example(tmp_path: Path) -> None:
    path = write(tmp_path, f'{GOOD}\n[reports]\nunit_texts = "unit-texts.toml"\n')

    with pytest.raises(ConfigError, match=r"\[reports\] unit_texts .*unit-texts\.example\.toml"):
        load(path, {})
