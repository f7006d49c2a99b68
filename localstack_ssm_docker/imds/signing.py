"""Signs instance identity documents with a key of this LocalStack.

The key and a self-signed certificate are made on first use and kept in the data folder (so
signatures verify across restarts with PERSISTENCE=1); the certificate's PEM is written beside
them for users to verify `/signature` (RSA, SHA-256, PKCS#1 v1.5) and `/pkcs7` (detached).
"""

import base64
import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from localstack_ssm_docker.imds.metadata import Signer

KEY_FILE = "imds-signing-key.pem"
CERTIFICATE_FILE = "imds-signing-certificate.pem"


class IdentitySigner(Signer):
    """RSA signatures over identity documents."""

    def __init__(self, key: rsa.RSAPrivateKey, certificate: x509.Certificate):
        self._key = key
        self.certificate = certificate

    @classmethod
    def generate(cls) -> "IdentitySigner":
        """A new key and a self-signed certificate for it."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localstack-ssm-docker IMDS")])
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .sign(key, hashes.SHA256())
        )
        return cls(key, certificate)

    @classmethod
    def load_or_create(cls, folder: Path) -> "IdentitySigner":
        """The signer kept in `folder`, made there when missing."""
        key_path, cert_path = folder / KEY_FILE, folder / CERTIFICATE_FILE
        if key_path.exists() and cert_path.exists():
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            if isinstance(key, rsa.RSAPrivateKey):
                return cls(key, x509.load_pem_x509_certificate(cert_path.read_bytes()))
        signer = cls.generate()
        folder.mkdir(parents=True, exist_ok=True)
        key_path.write_bytes(
            signer._key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_path.chmod(0o600)
        cert_path.write_bytes(signer.certificate_pem())
        return signer

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def signature(self, document: str) -> str:
        raw = self._key.sign(document.encode(), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(raw).decode()

    def pkcs7(self, document: str) -> str:
        signed = (
            pkcs7.PKCS7SignatureBuilder()
            .set_data(document.encode())
            .add_signer(self.certificate, self._key, hashes.SHA256())
            .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature])
        )
        text = base64.b64encode(signed).decode()
        return "\n".join(text[i : i + 64] for i in range(0, len(text), 64))
