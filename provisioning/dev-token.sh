#!/usr/bin/env bash
# Creates the DEVELOPMENT signing token in DIR (default: var/dev-token of the project):
#   a private SoftHSM2 config + token folder, token "SOHOA DEV" (user PIN 123456 — development only,
#   never a production PIN), an RSA-2048 key pair (CKA_ID 01) generated ON the token, a test CA in
#   DIR/ca that issues the token's certificate (written back to the token with the same CKA_ID),
#   cert.pem / chain.pem / ca.pem, an NSS db DIR/nssdb trusting the CA (for `pdfsig -nssdir`), and
#   the development seal DIR/seal.png.
# Idempotent: when DIR already holds a working token it prints the summary and changes nothing.
# Usage: provisioning/dev-token.sh [DIR] [AGENCY_NAME]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Installed from the Debian package (/opt/sohoa/provisioning): use the package's own Node runtime.
if [ -x "$HERE/../node/bin/node" ]; then PATH="$HERE/../node/bin:$PATH"; fi
DIR="${1:-$HERE/../var/dev-token}"
AGENCY="${2:-VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH (THỬ NGHIỆM)}"
LABEL="SOHOA DEV"
PIN="123456"          # development token only
SO_PIN="12345678"     # development token only
KEY_ID="01"
LEAF_SUBJ="/C=VN/O=Sohoa development agency (NOT FOR PRODUCTION)/CN=Văn phòng UBND tỉnh (thử nghiệm)"
CA_SUBJ="/C=VN/O=Sohoa development CA (NOT FOR PRODUCTION)/CN=Sohoa Dev Root CA (thử nghiệm)"

die() { echo "dev-token: $*" >&2; exit 1; }

need() { # command, Debian package
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found: install the Debian package '$2' (apt-get install -y $2)"
}
need softhsm2-util softhsm2
need pkcs11-tool opensc
need openssl openssl
need certutil libnss3-tools
need node nodejs

MODULE="${SOHOA_TOKEN_MODULE:-}"
if [ -z "$MODULE" ]; then
  for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
           /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so /usr/local/lib/softhsm/libsofthsm2.so; do
    [ -f "$m" ] && { MODULE="$m"; break; }
  done
fi
[ -n "$MODULE" ] && [ -f "$MODULE" ] || die "SoftHSM2 PKCS#11 module (libsofthsm2.so) not found: install the Debian package 'softhsm2'"

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
export SOFTHSM2_CONF="$DIR/softhsm2.conf"
P11=(pkcs11-tool --module "$MODULE" --token-label "$LABEL")

summary() {
  echo "dev-token: development token ready in $DIR (NOT FOR PRODUCTION)"
  echo "  module        $MODULE"
  echo "  SOFTHSM2_CONF $SOFTHSM2_CONF"
  echo "  label         $LABEL   user PIN $PIN   SO PIN $SO_PIN   key/cert id $KEY_ID"
  echo "  certificate   $(openssl x509 -in "$DIR/cert.pem" -noout -subject -nameopt utf8,sep_comma_plus_space)"
  echo "  chain/trust   $DIR/chain.pem  $DIR/ca.pem   NSS db $DIR/nssdb"
  echo "  seal          $DIR/seal.png"
}

# A working token: every file present, the token answers, and it holds the key and the cert.
working() {
  local f
  for f in softhsm2.conf cert.pem chain.pem ca.pem seal.png nssdb/cert9.db ca/ca.key; do
    [ -s "$DIR/$f" ] || return 1
  done
  local objs
  objs="$("${P11[@]}" --list-objects 2>/dev/null)" || return 1
  grep -q "Certificate Object" <<<"$objs" && grep -q "Public Key Object" <<<"$objs"
}

if working; then summary; exit 0; fi

# Start from a clean slate: remove only what this script creates.
rm -rf "$DIR/tokens" "$DIR/ca" "$DIR/nssdb" "$DIR/work"
rm -f "$DIR/softhsm2.conf" "$DIR/cert.pem" "$DIR/cert.der" "$DIR/chain.pem" "$DIR/ca.pem" "$DIR/seal.png"
mkdir -p "$DIR/tokens" "$DIR/ca" "$DIR/nssdb" "$DIR/work"
chmod 700 "$DIR/ca"
W="$DIR/work"

cat >"$SOFTHSM2_CONF" <<CONF
# Private SoftHSM2 configuration of the Sohoa DEVELOPMENT token (no /etc edits).
directories.tokendir = $DIR/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF

softhsm2-util --init-token --free --label "$LABEL" --pin "$PIN" --so-pin "$SO_PIN" >/dev/null \
  || die "softhsm2-util could not initialise the token in $DIR/tokens"
"${P11[@]}" --login --pin "$PIN" --keypairgen --key-type rsa:2048 --id "$KEY_ID" --label "SOHOA DEV key" >/dev/null \
  || die "pkcs11-tool could not generate the RSA key pair on the token"
"${P11[@]}" --read-object --type pubkey --id "$KEY_ID" -o "$W/pub.der" >/dev/null 2>&1 \
  || die "pkcs11-tool could not read the token's public key"
openssl pkey -pubin -inform DER -in "$W/pub.der" -out "$W/pub.pem" || die "the token's public key is unreadable"

# Test CA (development only: its key stays in DIR/ca).
cat >"$W/ca.ext" <<EXT
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EXT
openssl req -x509 -new -newkey rsa:2048 -nodes -utf8 -keyout "$DIR/ca/ca.key" -out "$DIR/ca.pem" \
  -subj "$CA_SUBJ" -days 3650 -sha256 -extensions v3_ca -config <(printf '[req]\ndistinguished_name=dn\nstring_mask=utf8only\n[dn]\n[v3_ca]\n'; cat "$W/ca.ext") \
  2>/dev/null || die "openssl could not create the test CA"
chmod 600 "$DIR/ca/ca.key"

# The token's certificate: the token's public key, issued by the test CA.
cat >"$W/leaf.ext" <<EXT
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = emailProtection, 1.3.6.1.4.1.311.10.3.12
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT
# The CSR carries the UTF-8 subject (`x509 -subj` would read it as Latin-1); its throwaway key is
# replaced by the token's public key through -force_pubkey.
openssl req -new -newkey rsa:2048 -nodes -keyout "$W/throwaway.key" -utf8 -subj "$LEAF_SUBJ" \
  -config <(printf '[req]\ndistinguished_name=dn\nstring_mask=utf8only\n[dn]\n') -out "$W/leaf.csr" 2>/dev/null \
  || die "openssl could not build the certificate request"
openssl x509 -req -in "$W/leaf.csr" -force_pubkey "$W/pub.pem" \
  -CA "$DIR/ca.pem" -CAkey "$DIR/ca/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
  -days 1095 -sha256 -extfile "$W/leaf.ext" -out "$DIR/cert.pem" 2>"$W/x509.err" \
  || die "openssl could not issue the token certificate: $(cat "$W/x509.err")"
openssl x509 -in "$DIR/cert.pem" -outform DER -out "$DIR/cert.der"
cp "$DIR/ca.pem" "$DIR/chain.pem"
openssl verify -CAfile "$DIR/ca.pem" "$DIR/cert.pem" >/dev/null || die "the issued certificate does not verify against the test CA"

"${P11[@]}" --login --pin "$PIN" --write-object "$DIR/cert.der" --type cert --id "$KEY_ID" --label "SOHOA DEV cert" >/dev/null \
  || die "pkcs11-tool could not write the certificate to the token"

# NSS database trusting the test CA, for `pdfsig -nssdir DIR/nssdb`.
certutil -N -d "sql:$DIR/nssdb" --empty-password || die "certutil could not create the NSS database"
certutil -A -d "sql:$DIR/nssdb" -n "Sohoa Dev Root CA" -t "CT,C,C" -i "$DIR/ca.pem" || die "certutil could not add the test CA"

node "$HERE/dev-seal.mjs" "$DIR/seal.png" "$AGENCY" >/dev/null || die "could not draw the development seal"

rm -rf "$W"
working || die "the token was created but does not answer as expected"
summary
