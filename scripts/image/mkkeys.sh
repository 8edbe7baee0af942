#!/bin/bash
# Make the test PKI that signs and verifies the demo image's RAUC bundles, once:
#
#   scripts/image/mkkeys.sh DIR
#
#   DIR/ca.cert.pem            self-signed test CA: the image's keyring (/etc/rauc/keyring.pem)
#   DIR/signing.{cert,key}.pem signing certificate issued by that CA, and its key
#   DIR/other-ca.cert.pem      a second, unrelated CA, and its signing pair
#   DIR/other-signing.{cert,key}.pem   (bundles signed with it must be rejected)
#
# The keys are made at build time and never committed: DIR defaults to a cache outside
# the clone (build-image.sh passes ${PAIOS_CACHE:-/var/cache/paios-init}/image/keys). A DIR
# that holds all the files is left as it is, so images stay installable on each other.
#
# The signing certificate's extended key usage names both purposes RAUC can check:
# emailProtection for its default ([keyring] check-purpose=smimesign: a certificate with
# only codeSigning fails "unsuitable certificate purpose") and codeSigning for
# check-purpose=codesign.
#
# ECDSA P-256: RAUC 1.8 (bookworm) fails to sign with Ed25519 keys (its CMS signing passes
# a digest that OpenSSL refuses for Ed25519: "CMS signer error"), while P-256 keys sign
# and verify, are small and fast on the target, and are what RAUC's own test suite uses
# besides RSA.
set -euo pipefail
[ $# = 1 ] || { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }
dir=$1
files=(ca.cert.pem ca.key.pem signing.cert.pem signing.key.pem
  other-ca.cert.pem other-ca.key.pem other-signing.cert.pem other-signing.key.pem)
complete=yes
for f in "${files[@]}"; do [ -s "$dir/$f" ] || complete=no; done
[ "$complete" = yes ] && exit 0

umask 077
tmp=$(mktemp -d "${dir%/}.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
days=3650
curve=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)

# make_pair PREFIX NAME: a CA PREFIXca and a signing pair PREFIXsigning issued by it
make_pair() {
  local p=$1 name=$2
  openssl req -x509 "${curve[@]}" -keyout "$tmp/${p}ca.key.pem" -out "$tmp/${p}ca.cert.pem" \
    -days "$days" -subj "/O=paios-init test/CN=$name CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null
  openssl req -new "${curve[@]}" -keyout "$tmp/${p}signing.key.pem" -out "$tmp/${p}signing.csr" \
    -subj "/O=paios-init test/CN=$name signing" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=emailProtection,codeSigning" "subjectKeyIdentifier=hash" \
    "authorityKeyIdentifier=keyid,issuer" \
    >"$tmp/${p}ext.cnf"
  openssl x509 -req -in "$tmp/${p}signing.csr" -CA "$tmp/${p}ca.cert.pem" -CAkey "$tmp/${p}ca.key.pem" \
    -set_serial "0x$(openssl rand -hex 8)" -days "$days" -extfile "$tmp/${p}ext.cnf" \
    -out "$tmp/${p}signing.cert.pem" 2>/dev/null
  openssl verify -CAfile "$tmp/${p}ca.cert.pem" "$tmp/${p}signing.cert.pem" >/dev/null
  rm -f "$tmp/${p}signing.csr" "$tmp/${p}ext.cnf"
}
make_pair "" "paios test"
make_pair other- "paios OTHER test"

mkdir -p "$dir"
chmod 0700 "$dir"
for f in "${files[@]}"; do mv -f "$tmp/$f" "$dir/$f"; done
chmod 0644 "$dir"/*.cert.pem
echo "mkkeys: made a test CA and signing pair (ECDSA P-256) and another one in $dir" >&2
