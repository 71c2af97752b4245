#!/usr/bin/env bash
# Creates, in DIR, everything a TLS Mosquitto broker for Gate Twin needs for a test or a
# pilot on one machine: a local CA, the broker's certificate (for 127.0.0.1 / localhost
# and any extra names given), one client certificate and a random password per account,
# the hashed password file, the topic ACL file, DIR/mosquitto.conf rendered from
# deploy/mosquitto/gatetwin.conf.in, and DIR/<account>.mqtt (the --mqtt-config file of
# that account). Writes nothing outside DIR; DIR holds secrets: never commit it.
#
# usage: make-certs.sh DIR [--port N] [--bind ADDR] [--san DNS:name|IP:addr]... [ACCOUNT...]
#   ACCOUNT is NAME:twin, NAME:operator, NAME:field:SITE (a site's devices: telemetry and
#   process events), NAME:partner:SITE (the partner customs' link: partner declarations,
#   receipts, link state) or NAME:sim:SITE (a simulator: both); SITE "+" = every site.
#   Default accounts: gatetwin:twin gatesim:sim:+ dev-m1119:field:m1119
#   dev-m1088:field:m1088 console-1:operator.
#   GATETWIN_CERT_DAYS (default 30) sets the validity; GATETWIN_CA_NAME the CA's name.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
die() { echo "make-certs: $*" >&2; exit 2; }
[[ $# -ge 1 ]] || die "usage: make-certs.sh DIR [--port N] [--bind ADDR] [--san SAN]... [ACCOUNT...]"
dir=$1; shift
port=8883; bind=127.0.0.1; sans=("IP:127.0.0.1" "DNS:localhost"); accounts=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --port) port=$2; shift 2 ;;
    --bind) bind=$2; shift 2 ;;
    --san) sans+=("$2"); shift 2 ;;
    *) accounts+=("$1"); shift ;;
  esac
done
((${#accounts[@]})) || accounts=(gatetwin:twin gatesim:sim:+ dev-m1119:field:m1119 dev-m1088:field:m1088 console-1:operator)
for t in openssl mosquitto_passwd; do command -v $t >/dev/null || die "$t is missing (apt-get install openssl mosquitto)"; done
days=${GATETWIN_CERT_DAYS:-30}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
umask 077
cd "$dir"

# [SECTION] CA and broker certificate (EC P-256 keys, SHA-256).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days "$days" \
  -subj "/O=Gate Twin/CN=${GATETWIN_CA_NAME:-Gate Twin local CA}" -keyout ca.key -out ca.crt \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
sign() {  # sign NAME SUBJECT EXTFILE
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" -sha256 \
    -extfile "$3" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr"
}
san_list=$(IFS=,; echo "${sans[*]}")
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' \
  "$san_list" > broker.ext
sign broker "/O=Gate Twin/CN=gatetwin-broker" broker.ext
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=clientAuth\n' > client.ext

# [SECTION] Accounts: certificate, password, --mqtt-config file, ACL rules.
: > passwd
chmod 600 passwd
{
  echo "# Topic rights per account, written by tools/setup/make-certs.sh (docs/security.md)."
  echo "# Anything not listed is refused: a publish outside these is dropped by the broker."
} > acl
# The event names (twin::event_name, docs/mqtt.md): the partner customs' and the field's.
partner_events=(partner_declaration receipt_confirmed partner_link)
field_events=(clock_tick declaration vehicle_arrived step_completed handover_completed transfer_completed
              vehicle_left guide_step_completed equipment_status reefer_power)
for spec in "${accounts[@]}"; do
  IFS=: read -r name role site <<<"$spec"
  [[ $name =~ ^[A-Za-z0-9_.-]{1,64}$ ]] || die "account name \"$name\" must be 1-64 letters, digits, . _ -"
  sign "$name" "/O=Gate Twin/CN=$name" client.ext
  pw=$(openssl rand -hex 16)
  printf '%s:%s\n' "$name" "$pw" >> passwd   # plain until mosquitto_passwd -U below: never in argv
  printf 'user = %s\npassword = %s\nca_file = %s\ncert_file = %s\nkey_file = %s\n' \
    "$name" "$pw" "$dir/ca.crt" "$dir/$name.crt" "$dir/$name.key" > "$name.mqtt"
  echo "" >> acl
  echo "user $name" >> acl
  case $role in
    twin)  # reads every site's field topics and commands (unbound and account-bound); the only writer of decisions
      printf 'topic read gatetwin/v1/+/event/#\ntopic read gatetwin/v1/+/telemetry/#\ntopic read gatetwin/v1/+/command\n' >> acl
      printf 'topic read gatetwin/v1/+/command/+\n' >> acl
      printf 'topic write gatetwin/v1/+/twin/#\ntopic readwrite gatetwin/v1/twin/#\n' >> acl ;;  # health, stream, stream_head
    operator)  # consoles: publish commands (unbound, or bound to this account), read results, decisions, health and the twin's stream
      printf 'topic write gatetwin/v1/+/command\ntopic write gatetwin/v1/+/command/%s\n' "$name" >> acl
      printf 'topic read gatetwin/v1/+/twin/#\ntopic read gatetwin/v1/twin/#\n' >> acl ;;
    field|partner|sim)
            # field: devices and gateways of one site: that site's telemetry and its process
            # events, never the partner customs' data; partner: the partner customs' link of
            # one site: only its declarations, receipts and link state; sim: a simulator,
            # both. Each event name is written out (a wildcard would let a device forge
            # partner data), in both forms; the account-bound topics (.../<kind>/<account>,
            # docs/mqtt.md) under this account's own name only, written literally:
            # mosquitto's "pattern ... %u" lines would hold for every account, operators and
            # the twin included
      [[ -n $site && ( $site == "+" || $site =~ ^[a-z0-9_-]{1,32}$ ) ]] || die "account $name: $role needs a site id (or +)"
      events=()
      [[ $role == partner ]] || events+=("${field_events[@]}")
      [[ $role == field ]] || events+=("${partner_events[@]}")
      for e in "${events[@]}"; do
        printf 'topic write gatetwin/v1/%s/event/%s\ntopic write gatetwin/v1/%s/event/%s/%s\n' "$site" "$e" "$site" "$e" "$name" >> acl
      done
      if [[ $role != partner ]]; then
        printf 'topic write gatetwin/v1/%s/telemetry/+\ntopic write gatetwin/v1/%s/telemetry/+/%s\n' "$site" "$site" "$name" >> acl
      fi
      printf 'topic read gatetwin/v1/%s/twin/#\n' "$site" >> acl ;;
    *) die "account $name: role must be twin, operator, field:SITE, partner:SITE or sim:SITE" ;;
  esac
done
rm -f broker.ext client.ext ca.srl

# [SECTION] The broker's configuration, from the shipped template.
run_as=$(id -un)
sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" -e "s|@BIND@|$bind|g" -e "s|@USER@|$run_as|g" \
  "$root/deploy/mosquitto/gatetwin.conf.in" > mosquitto.conf
mosquitto_passwd -U passwd   # hashes the plain passwords in place
chmod 600 ./*.key ./*.mqtt passwd
chmod 644 ./*.crt acl mosquitto.conf
echo "make-certs: wrote $dir (CA, broker, ${#accounts[@]} accounts, passwd, acl, mosquitto.conf on $bind:$port)"
