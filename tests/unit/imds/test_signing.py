import base64

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import pkcs7

from localstack_ssm_docker.imds.signing import IdentitySigner


def test_signature_verifies_with_the_certificate(tmp_path):
    signer = IdentitySigner.load_or_create(tmp_path)
    document = '{"instanceId": "i-1"}'
    signature = base64.b64decode(signer.signature(document))
    signer.certificate.public_key().verify(
        signature, document.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


def test_key_survives_a_restart(tmp_path):
    first = IdentitySigner.load_or_create(tmp_path)
    again = IdentitySigner.load_or_create(tmp_path)
    assert first.certificate_pem() == again.certificate_pem()
    assert (tmp_path / "imds-signing-certificate.pem").read_bytes() == first.certificate_pem()


def test_pkcs7_carries_the_certificate(tmp_path):
    signer = IdentitySigner.load_or_create(tmp_path)
    der = base64.b64decode(signer.pkcs7("{}").replace("\n", ""))
    assert pkcs7.load_der_pkcs7_certificates(der) == [signer.certificate]
