# A local stand-in for python:3.11-slim-bookworm, on a Debian root filesystem from debootstrap
# (see base-image.sh): `python` and `pip` are a virtualenv's, first on PATH, as in the official
# image, and this machine's CA bundle is trusted (egress here passes TLS inspection).
ARG ROOTFS=onlyjobless-rootfs
FROM ${ROOTFS}

COPY ca-bundle.crt /usr/local/share/ca-bundle.crt
ENV LANG=C.UTF-8 \
    SSL_CERT_FILE=/usr/local/share/ca-bundle.crt \
    NODE_EXTRA_CA_CERTS=/usr/local/share/ca-bundle.crt \
    PIP_CERT=/usr/local/share/ca-bundle.crt \
    PATH=/opt/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

RUN python3 -m venv /opt/python \
    && python --version \
    && pip --version

CMD ["python3"]
