#!/usr/bin/env bash
# Creates, in DIR, everything a TLS Mosquitto broker for Gate Twin needs for a test or a
# pilot on one machine: a local CA, the broker's certificate (for 127.0.0.1 / localhost
# and any extra names given), one client certificate and a random password per account,
# the hashed password file, the topic ACL file, DIR/mosquitto.conf rendered from
# deploy/mosquitto/gatetwin.conf.in, and DIR/<account>.mqtt (the --mqtt-config file of
# that account). Writes nothing outside DIR; DIR holds secrets: never commit it.
#
# usage: make-certs.sh DIR [--port N] [--bind ADDR] [--san DNS:name|IP:addr]... [--user NAME] [--dev]
#                        [--id-plugin PATH | --no-id-plugin] [ACCOUNT...]
#        make-certs.sh --renew DIR      new leaf certificates (broker, accounts) from the same CA
#   ACCOUNT is NAME:twin, NAME:operator, NAME:field:SITE (a site's devices: telemetry and
#   process events), NAME:partner:SITE (the partner customs' link: partner declarations,
#   receipts, link state) or NAME:sim:SITE (a simulator: both); SITE "+" = every site.
#   Default accounts: gatetwin:twin console-1:operator; --dev adds the development ones,
#   never for production: gatesim:sim:+ (may publish every site's field and partner data),
#   dev-m1119:field:m1119, dev-m1088:field:m1088.
#   --id-plugin: the broker plugin binding client ids to accounts (gatetwin_client_ids.so,
#   built with the project: ninja gatetwin_client_ids; default: build/deploy/mosquitto/),
#   copied into DIR; an account may then connect as NAME or NAME-<suffix> only.
#   --no-id-plugin leaves it out: any account could then take over another's session.
#   --user: the account mosquitto runs as (default: the caller, or "mosquitto" when run as
#   root: the broker never stays root; the files it reads are then given to its group).
#   Lifetimes: leaf certificates GATETWIN_CERT_DAYS (default 30), the CA GATETWIN_CA_DAYS
#   (default 825); renew the leaves before they expire with --renew DIR (same CA, same
#   keys, passwords and ACL; restart mosquitto and the clients). GATETWIN_CA_NAME: the
#   CA's name. The CA's private key goes to DIR/ca/ (not referenced by mosquitto.conf):
#   move that folder off the broker's machine and bring it back only to renew.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
die() { echo "make-certs: $*" >&2; exit 2; }
usage="usage: make-certs.sh DIR [--port N] [--bind ADDR] [--san SAN]... [--user NAME] [--dev] [--id-plugin PATH | --no-id-plugin] [ACCOUNT...] | --renew DIR"
[[ $# -ge 1 ]] || die "$usage"
days=${GATETWIN_CERT_DAYS:-30}
ca_days=${GATETWIN_CA_DAYS:-825}
for t in openssl mosquitto_passwd; do command -v $t >/dev/null || die "$t is missing (apt-get install openssl mosquitto)"; done
umask 077
# sign NAME SUBJECT EXTFILE: a certificate for NAME.key (made when missing) from the CA in ca/.
sign() {
  [[ -f $1.key ]] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1.key" 2>/dev/null
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca/ca.key -CAcreateserial -CAserial ca/ca.srl -days "$days" -sha256 \
    -extfile "$3" -out "$1.crt.new" 2>/dev/null || die "signing $1's certificate failed (is the CA expired? openssl x509 -enddate -noout -in ca.crt)"
  mv "$1.crt.new" "$1.crt"
  rm -f "$1.csr"
}

# [SECTION] Renewal: new leaf certificates from the same CA, nothing else changes.
if [[ $1 == --renew ]]; then
  [[ $# -eq 2 ]] || die "$usage"
  dir=$(cd "$2" 2>/dev/null && pwd) || die "$2: no such folder"
  cd "$dir"
  [[ -f ca/ca.key && -f ca/broker.ext && -f ca/client.ext ]] ||
    die "$dir/ca/ca.key (and broker.ext, client.ext) missing: bring back the CA folder that make-certs.sh wrote there"
  openssl x509 -checkend $((days * 86400)) -noout -in ca.crt >/dev/null ||
    echo "make-certs: warning: the CA expires before the renewed certificates would ($(openssl x509 -enddate -noout -in ca.crt)); make a new set-up before then" >&2
  sign broker "/O=Gate Twin/CN=gatetwin-broker" ca/broker.ext
  n=0
  for f in ./*.mqtt; do
    [[ -e $f ]] || continue
    name=$(basename "$f" .mqtt)
    sign "$name" "/O=Gate Twin/CN=$name" ca/client.ext
    n=$((n + 1))
  done
  chmod 644 ./*.crt
  [[ -f ca/owner ]] && chgrp "$(cat ca/owner)" broker.key broker.crt 2>/dev/null || true
  echo "make-certs: renewed the broker's and $n accounts' certificates in $dir for $days days ($(openssl x509 -enddate -noout -in broker.crt)); restart mosquitto and the clients"
  exit 0
fi

dir=$1; shift
port=8883; bind=127.0.0.1; sans=("IP:127.0.0.1" "DNS:localhost"); accounts=(); dev=0; run_as=""; id_plugin="$root/build/deploy/mosquitto/gatetwin_client_ids.so"; use_plugin=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --port) port=$2; shift 2 ;;
    --bind) bind=$2; shift 2 ;;
    --san) sans+=("$2"); shift 2 ;;
    --user) run_as=$2; shift 2 ;;
    --dev) dev=1; shift ;;
    --id-plugin) id_plugin=$2; shift 2 ;;
    --no-id-plugin) use_plugin=0; shift ;;
    -*) die "unknown option $1; $usage" ;;
    *) accounts+=("$1"); shift ;;
  esac
done
((${#accounts[@]})) || accounts=(gatetwin:twin console-1:operator)
((dev)) && accounts+=(gatesim:sim:+ dev-m1119:field:m1119 dev-m1088:field:m1088)
# The broker never stays root unless told: as root it runs as "mosquitto" (Debian's package user).
if [[ -z $run_as ]]; then
  run_as=$(id -un)
  [[ $(id -u) -eq 0 ]] && run_as=mosquitto
fi
((use_plugin == 0)) || [[ -f $id_plugin ]] ||
  die "$id_plugin: the client-id plugin is missing (build it: ninja -C build gatetwin_client_ids, or give --id-plugin PATH; --no-id-plugin only if every account may take over any other's session)"
id "$run_as" >/dev/null 2>&1 || die "--user $run_as: no such account (Debian's mosquitto package makes \"mosquitto\")"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
cd "$dir"

# [SECTION] CA (its key in ca/, apart from what the broker reads) and broker certificate
# (EC P-256 keys, SHA-256).
mkdir -p ca
chmod 700 ca
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days "$ca_days" \
  -subj "/O=Gate Twin/CN=${GATETWIN_CA_NAME:-Gate Twin local CA}" -keyout ca/ca.key -out ca.crt \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
cat > ca/README <<'NOTE'
The CA's private key: whoever holds it can make certificates the broker trusts. It is not
read by mosquitto or any client. Move this folder to an offline place; bring it back next
to the broker's folder only to renew the certificates (make-certs.sh --renew DIR) or to
add accounts. broker.ext and client.ext are the certificates' extensions, for --renew.
NOTE
san_list=$(IFS=,; echo "${sans[*]}")
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' \
  "$san_list" > ca/broker.ext
sign broker "/O=Gate Twin/CN=gatetwin-broker" ca/broker.ext
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=clientAuth\n' > ca/client.ext

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
  sign "$name" "/O=Gate Twin/CN=$name" ca/client.ext
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

# [SECTION] The broker's configuration, from the shipped template.
mkdir -p state   # mosquitto's persistence (written by the account it runs as)
plugin_line="# plugin: left out (--no-id-plugin): any account can take over another's client id"
if ((use_plugin)); then
  cp "$id_plugin" gatetwin_client_ids.so
  chmod 644 gatetwin_client_ids.so
  plugin_line="plugin $dir/gatetwin_client_ids.so"
fi
sed -e "s|@PLUGIN@|$plugin_line|" -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" -e "s|@BIND@|$bind|g" -e "s|@USER@|$run_as|g" \
  "$root/deploy/mosquitto/gatetwin.conf.in" > mosquitto.conf
mosquitto_passwd -U passwd   # hashes the plain passwords in place
chmod 600 ./*.key ./*.mqtt passwd
chmod 644 ./*.crt acl mosquitto.conf
# Run as another account than ours (root making it for "mosquitto"): that account's group
# may read the broker's key and the password file and traverse DIR; the accounts' keys and
# the CA's stay ours alone. Its persistence and log are files it owns.
if [[ $run_as != "$(id -un)" ]]; then
  group=$(id -gn "$run_as")
  echo "$group" > ca/owner
  touch mosquitto.log
  chown "$run_as" mosquitto.log state
  chgrp "$group" . broker.key passwd
  chmod 750 .
  chmod 640 broker.key passwd
fi
echo "make-certs: wrote $dir (CA, broker, ${#accounts[@]} accounts, passwd, acl, mosquitto.conf on $bind:$port, broker as $run_as; the CA key in $dir/ca: move it away, see ca/README)"
