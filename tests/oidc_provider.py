"""A real OpenID Connect provider on loopback: tests/oidc/provider.mjs, the npm
package oidc-provider run with the machine's Node.js.

Its packages are installed from tests/oidc/package-lock.json (``npm ci``)
when node_modules is missing. Without Node.js or npm the tests that need it
skip, unless REQUIRE_BROWSER=1 or REQUIRE_REAL_SERVICES=1 (as in .ci/run):
then they fail, saying what is missing.
"""

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey

from tests.redis_server import free_port

FOLDER = Path(__file__).with_name("oidc")
CLIENT_KEY_ID = "tracker-test-key"


def node_or_fail() -> str:
    """The node executable, after installing the provider's packages."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        message = (
            "Node.js and npm are needed for the OpenID Connect tests "
            "(tests/oidc/provider.mjs): apt-get install nodejs npm"
        )
        required = "1" in (
            os.environ.get("REQUIRE_BROWSER"),
            os.environ.get("REQUIRE_REAL_SERVICES"),
        )
        if required:
            pytest.fail(message)
        pytest.skip(message)
    if not (FOLDER / "node_modules" / "oidc-provider").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=FOLDER,
            check=True,
            timeout=300,
        )
    return node


def client_key(folder: Path) -> tuple[Path, dict]:
    """A fresh RSA key pair for private_key_jwt: the PEM file the tracker
    reads (OIDC_PRIVATE_KEY_FILE) and the public key set the provider has."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = folder / "tracker-key.pem"
    path.write_bytes(pem)
    public = RSAKey.import_key(pem).as_dict(private=False)
    public.update(kid=CLIENT_KEY_ID, use="sig", alg="RS256")
    return path, {"keys": [public]}


class OidcProvider:
    """The provider process; ``restart`` gives it a new signing key (a key
    rotation) at the same issuer."""

    CLIENT_SECRET = "a-client-secret-for-the-tests-only"

    def __init__(self, *, rp_origin: str, client_jwks: dict) -> None:
        self.node = node_or_fail()
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "PORT": str(self.port),
            "RP_ORIGIN": rp_origin,
            "CLIENT_JWKS": json.dumps(client_jwks),
            "CLIENT_SECRET": self.CLIENT_SECRET,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.node, str(FOLDER / "provider.mjs")],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        deadline = time.monotonic() + 20
        line = self.process.stdout.readline()  # "ready <issuer>"
        if not line.startswith("ready") or time.monotonic() > deadline:
            self.stop()
            raise AssertionError(f"the OpenID Connect provider did not start: {line}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()
