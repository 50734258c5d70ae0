"""Security on the wire: API key and basic auth, TLS verified by default, secrets never shown."""

from __future__ import annotations

import base64
import io
import ipaddress
import logging
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from typer.testing import CliRunner

from contracts.cli import app
from portfolio.elasticsearch.config import EsConfig, EsConfigError, load_config
from portfolio.elasticsearch.connection import Retrying
from portfolio.elasticsearch.errors import ClusterRefused, ClusterUnreachable
from portfolio.elasticsearch.store import ElasticsearchPortfolio
from portfolio.errors import InvalidSetting
from tests.portfolio.es import es_answers as answers
from tests.portfolio.es.conftest import SERVER_VERSION, serve_existing_indices
from tests.portfolio.es.fake_es_api import RecordingEsApi

API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
PASSWORD = "s3cret-Pa55w0rd!"
SECRETS = [API_KEY, PASSWORD, base64.b64encode(f"contracts:{PASSWORD}".encode()).decode()]


def _certificate(subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name,
                 signer: ec.EllipticCurvePrivateKey, ca: bool) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()),
                       False)
    )
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(x509.SubjectAlternativeName([
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False).add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    return builder.sign(signer, hashes.SHA256())


@pytest.fixture
def tls(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    """A throwaway CA (its PEM file) and a server context with a certificate it signed."""
    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(
        ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "contract-intel test CA")])
    ca = _certificate("contract-intel test CA", ca_key, ca_name, ca_key, ca=True)
    server = _certificate("127.0.0.1", server_key, ca_name, ca_key, ca=False)
    ca_path, cert_path, key_path = tmp_path / "ca.pem", tmp_path / "es.pem", tmp_path / "es.key"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(server_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context, ca_path


@pytest.fixture
def tls_fake(tls: tuple[ssl.SSLContext, Path], sleeps: list[float]) -> Iterator[RecordingEsApi]:
    with RecordingEsApi(tls=tls[0]) as api:
        api.route("GET", "/", answers.info(SERVER_VERSION))
        serve_existing_indices(api)
        yield api


def test_tls_is_verified_by_default(tls_fake: RecordingEsApi, sleeps: list[float]) -> None:
    config = EsConfig(url=tls_fake.url)
    assert config.verify_certs is True
    with pytest.raises(ClusterUnreachable, match=r"TLS verification .* CONTRACTS_ES_CA_CERTS"):
        ElasticsearchPortfolio(config)
    assert sleeps == [], "a certificate problem is not retried"


def test_tls_with_the_clusters_ca(
    tls_fake: RecordingEsApi, tls: tuple[ssl.SSLContext, Path]
) -> None:
    with ElasticsearchPortfolio(EsConfig(url=tls_fake.url, ca_certs=tls[1])) as portfolio:
        assert portfolio.server_version == SERVER_VERSION


def test_turning_verification_off_is_loud(
    tls_fake: RecordingEsApi, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING), ElasticsearchPortfolio(
        EsConfig(url=tls_fake.url, verify_certs=False)
    ):
        pass
    assert "TLS certificate verification is OFF" in caplog.text


def test_api_key_header(fake: RecordingEsApi) -> None:
    serve_existing_indices(fake)
    with ElasticsearchPortfolio(EsConfig(url=fake.url, api_key=API_KEY)):
        pass
    assert {r.headers["authorization"] for r in fake.requests} == {f"ApiKey {API_KEY}"}


def test_basic_auth_header(fake: RecordingEsApi, caplog: pytest.LogCaptureFixture) -> None:
    serve_existing_indices(fake)
    with caplog.at_level(logging.WARNING), ElasticsearchPortfolio(
        EsConfig(url=fake.url, username="contracts", password=PASSWORD)
    ):
        pass
    assert {r.headers["authorization"] for r in fake.requests} == {f"Basic {SECRETS[2]}"}
    assert "over plain HTTP" in caplog.text


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"url": f"https://contracts:{PASSWORD}@es.example.com:9200"}, "contains credentials"),
        ({"url": "https://es.example.com:9200", "api_key": API_KEY, "username": "u",
          "password": PASSWORD}, "keep one"),
        ({"url": "https://es.example.com:9200", "username": "contracts"}, "go together"),
        ({"url": "ftp://es.example.com"}, "not an Elasticsearch URL"),
        ({"url": "https://es.example.com:9200", "ca_certs": "/no/such/ca.pem"}, "does not exist"),
    ],
)
def test_unsafe_or_incomplete_settings_are_refused(options: dict[str, str], message: str) -> None:
    with pytest.raises(EsConfigError, match=message) as raised:
        EsConfig(**options)  # type: ignore[arg-type]
    assert not any(secret[:4] in str(raised.value) for secret in SECRETS)


def test_invalid_settings_do_not_repeat_their_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTRACTS_ES_PASSWORD", PASSWORD)
    monkeypatch.setenv("CONTRACTS_ES_USERNAME", "contracts")
    monkeypatch.setenv("CONTRACTS_ES_MAX_RETRIES", "many")
    with pytest.raises(InvalidSetting) as raised:
        load_config("https://es.example.com:9200")
    assert PASSWORD not in str(raised.value) and "many" not in str(raised.value)
    assert "CONTRACTS_ES_MAX_RETRIES" in str(raised.value)


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    toml = tmp_path / "contracts.toml"
    toml.write_text('es_index_prefix = "from-toml"\nes_request_timeout = 12.5\n')
    monkeypatch.setenv("CONTRACTS_CONFIG", str(toml))
    monkeypatch.setenv("CONTRACTS_ES_API_KEY", API_KEY)
    monkeypatch.setenv("CONTRACTS_ES_REQUEST_TIMEOUT", "7")
    config = load_config("https://es.example.com:9200")
    assert config.api_key is not None and config.api_key.get_secret_value() == API_KEY
    assert (config.index_prefix, config.request_timeout) == ("from-toml", 7.0)  # env wins
    assert API_KEY not in repr(config) and API_KEY not in str(config)


def test_bulk_chunk_size_and_backoff_cap_are_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    toml = tmp_path / "contracts.toml"
    monkeypatch.setenv("CONTRACTS_CONFIG", str(toml))
    for name in ("CONTRACTS_ES_BULK_CHUNK_SIZE", "CONTRACTS_ES_RETRY_BACKOFF_MAX"):
        monkeypatch.delenv(name, raising=False)
    defaults = load_config("https://es.example.com:9200")
    assert (defaults.bulk_chunk_size, defaults.retry_backoff_max) == (500, 30.0)

    toml.write_text("es_bulk_chunk_size = 200\nes_retry_backoff_max = 4\n")
    monkeypatch.setenv("CONTRACTS_ES_RETRY_BACKOFF_MAX", "8")
    config = load_config("https://es.example.com:9200")
    assert (config.bulk_chunk_size, config.retry_backoff_max) == (200, 8.0)  # env wins
    assert Retrying(config).delay(10) <= 8.0, "no wait beyond the cap"

    monkeypatch.setenv("CONTRACTS_ES_BULK_CHUNK_SIZE", "0")
    with pytest.raises(InvalidSetting, match="CONTRACTS_ES_BULK_CHUNK_SIZE: "):
        load_config("https://es.example.com:9200")


def test_credentials_are_never_logged_or_printed(
    fake: RecordingEsApi, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Debug logging of the client on, a success, a refusal, and the CLI: no secret anywhere."""
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    loggers = [logging.getLogger(name) for name in
               ("elastic_transport", "elastic_transport.node", "elastic_transport.transport",
                "elasticsearch", "portfolio")]
    for logger in loggers:
        logger.addHandler(handler)
        monkeypatch.setattr(logger, "level", logging.DEBUG)
    try:
        serve_existing_indices(fake)
        for config in (EsConfig(url=fake.url, api_key=API_KEY),
                       EsConfig(url=fake.url, username="contracts", password=PASSWORD)):
            with ElasticsearchPortfolio(config):
                pass
        fake.route("GET", "/", answers.error(401, "security_exception", "unable to authenticate"))
        with pytest.raises(ClusterRefused) as refused:
            ElasticsearchPortfolio(EsConfig(url=fake.url, username="contracts", password=PASSWORD))
        monkeypatch.setenv("CONTRACTS_STORE", fake.url)
        monkeypatch.setenv("CONTRACTS_ES_USERNAME", "contracts")
        monkeypatch.setenv("CONTRACTS_ES_PASSWORD", PASSWORD)
        result = CliRunner().invoke(app, ["es", "status"])
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    assert result.exit_code == 1 and "did not accept the credentials" in result.output
    logged = captured.getvalue()
    assert "> Authorization: ApiKey <hidden>" in logged, "the client's debug log was on"
    assert "> Authorization: Basic <hidden>" in logged
    shown = logged + str(refused.value) + result.output + "".join(capsys.readouterr())
    for secret in SECRETS:
        assert secret not in shown
