#!/usr/bin/env python3
# Takes docs/screenshot-commands.png: the control-room window at 1920x1080 under Xvfb,
# driven with real input (xdotool) from its own map of controls (GATETWIN_UI_MAP,
# docs/gatetwin.md). The picture is a supervisor's confirmation of closing export's last
# truck lane, with an inset (top left) of the operator's lane panel a moment before: the
# same Close disabled, its reason in the tooltip and under the buttons. Needs the build
# (gatetwin, gatesim), Xvfb, xdotool, xwd (x11-apps) and mosquitto; about a minute.
# It only takes a picture: it must not be part of a test's verdict.
import json, os, shutil, socket, struct, subprocess, sys, tempfile, time, zlib

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
build = os.environ.get("GATETWIN_BUILD", os.path.join(root, "build"))
out_png = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "docs", "screenshot-commands.png")
W, H = 1920, 1080
tmp = tempfile.mkdtemp()
procs = []


def start(args, log, env=None, pass_fds=()):
    p = subprocess.Popen(args, stdout=open(os.path.join(tmp, log), "w"), stderr=subprocess.STDOUT, env=env, pass_fds=pass_fds)
    procs.append(p)
    return p


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait(cond, timeout=30, what="a condition"):
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    log = open(os.path.join(tmp, "twin.log")).read()[-1500:] if os.path.exists(os.path.join(tmp, "twin.log")) else ""
    raise SystemExit("timed out waiting for " + what + "\n" + log)


def ui():
    try:
        with open(os.path.join(tmp, "map.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def frames(n):
    f0 = wait(lambda: (ui() or {}).get("frame"), what="a frame")
    wait(lambda: (ui() or {}).get("frame", 0) >= f0 + n, what="frames")


def item(name):
    return wait(lambda: next((i for i in (ui() or {}).get("items", []) if i["id"] == name), None), what=name)


def xdo(*args):
    subprocess.run(["xdotool", *args], check=True, env=env)


def move(x, y):
    xdo("mousemove", str(int(x)), str(int(y)))
    frames(1)


def click_at(x, y):
    move(x, y)
    xdo("mousedown", "1")
    frames(2)
    xdo("mouseup", "1")
    frames(2)


def centre(i):
    return (i["x0"] + i["x1"]) / 2, (i["y0"] + i["y1"]) / 2


def click(name):
    click_at(*centre(item(name)))


def key(name):
    xdo("keydown", name)
    frames(2)
    xdo("keyup", name)
    frames(1)


def type_into(name, text):
    for attempt in range(3):  # a click the window did not take is made again
        click(name)
        xdo("type", "--delay", "20", text)
        try:
            wait(lambda: (ui() or {}).get("reason") == text, 5, "the typed reason")
            return
        except SystemExit:
            if (ui() or {}).get("reason"):
                raise SystemExit("the reason box holds %r, not %r" % (ui()["reason"], text))
    raise SystemExit("typing %r never arrived" % text)


def log_in(user, password):
    click("login/user")
    xdo("type", user)
    frames(1)
    key("Return")
    xdo("type", password)
    frames(1)
    key("Return")
    wait(lambda: (ui() or {}).get("user") == user, what="login of " + user)


def shot():
    """The X screen as rows of RGB bytes (xwd's 32-bit ZPixmap, least significant byte first)."""
    raw = subprocess.run(["xwd", "-root", "-silent"], check=True, capture_output=True, env=env).stdout
    h = struct.unpack(">25I", raw[:100])
    header, width, height, bpl, ncolors = h[0], h[4], h[5], h[12], h[19]
    data = raw[header + ncolors * 12:]
    rows = []
    for y in range(height):
        line = data[y * bpl:y * bpl + width * 4]
        rgb = bytearray(width * 3)
        rgb[0::3], rgb[1::3], rgb[2::3] = line[2::4], line[1::4], line[0::4]
        rows.append(rgb)
    return rows


def write_png(path, rows):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    width, height = len(rows[0]) // 3, len(rows)
    data = zlib.compress(b"".join(b"\x00" + bytes(r) for r in rows), 9)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", data) + chunk(b"IEND", b""))


try:
    # Xvfb on a display it picks, a broker on a free port, the accounts.
    r, w = os.pipe()
    start(["Xvfb", "-displayfd", str(w), "-screen", "0", "%dx%dx24" % (W, H), "-nolisten", "tcp"], "xvfb.log",
          pass_fds=(w,))
    os.close(w)
    number = b""
    while not number.endswith(b"\n"):  # Xvfb writes its display number once it is ready
        chunk = os.read(r, 16)
        if not chunk:
            raise SystemExit("Xvfb did not start")
        number += chunk
    display = ":" + number.decode().strip()
    env = dict(os.environ, DISPLAY=display, GATETWIN_UI_MAP=os.path.join(tmp, "map.json"))
    port = free_port()
    with open(os.path.join(tmp, "mosquitto.conf"), "w") as f:
        f.write("listener %d 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n" % port)
    start(["mosquitto", "-c", os.path.join(tmp, "mosquitto.conf")], "mosquitto.log")
    broker = "tcp://127.0.0.1:%d" % port
    accounts = os.path.join(tmp, "accounts.json")
    subprocess.run([os.path.join(root, "tools/setup/make-accounts.sh"), accounts, "op1:operator", "sup1:supervisor"],
                   input="op-password\nsup-password\n", text=True, check=True, capture_output=True,
                   env=dict(os.environ, GATETWIN=os.path.join(build, "tools/gatetwin/gatetwin")))
    time.sleep(0.5)
    start([os.path.join(build, "tools/gatetwin/gatetwin"), "--broker", broker, "--client-id", "shot", "--view", "m1119",
           "--size", "%dx%d" % (W, H), "--accounts", accounts], "twin.log", env)
    wait(lambda: "mqtt: connected" in open(os.path.join(tmp, "twin.log")).read(), 60, "the twin")
    subprocess.run([os.path.join(build, "tools/gatesim/gatesim"), "--hours", "6", "--seed", "7", "--no-progress",
                    "--speed", "1800", "--broker", broker], check=True, capture_output=True)
    wait(lambda: len((ui() or {}).get("trucks", [])) > 10, 60, "trucks")
    frames(5)

    # The operator: a truck inspected, E1 and E2 closed, E3's Close disabled with the rule.
    log_in("op1", "op-password")
    m = ui()
    side = min(max(W * 0.3, 400), 600)
    truck = next(t for t in m["trucks"] if 200 < t["x"] < W - side - 50 and 150 < t["y"] < H * 0.6)
    click_at(truck["x"], truck["y"])
    for lane, reason in (("E1", "barrier maintenance"), ("E2", "barrier maintenance")):
        click("lanes/row/" + lane)
        type_into("lanes/reason", reason)
        click("lanes/Close")
        item("lanes/Open")
    click("lanes/row/E3")
    type_into("lanes/reason", "scanner 2 down")
    move(*centre(item("lanes/row/E3")))
    frames(4)
    operator = shot()
    click("login/Log out")

    # The supervisor: the same Close asks for confirmation.
    log_in("sup1", "sup-password")
    click("lanes/row/E3")
    type_into("lanes/reason", "scanner 2 down, E1 and E2 under maintenance")
    click("lanes/Close")
    wait(lambda: (ui() or {}).get("confirm_open"), what="the confirmation")
    move(*centre(item("confirm/Confirm")))
    frames(4)
    picture = shot()

    # The inset: the operator's login and lane panels, framed, over the top left.
    x0, y0, iw, ih = int(W - side), 0, int(side), int(min(H * 0.42, 560) + 150)
    ox, oy = 16, 80
    for y in range(ih + 4):
        picture[oy + y - 2][(ox - 2) * 3:(ox + iw + 2) * 3] = bytes([255, 190, 60]) * (iw + 4)
    for y in range(ih):
        picture[oy + y][ox * 3:(ox + iw) * 3] = operator[y0 + y][x0 * 3:(x0 + iw) * 3]
    write_png(out_png, picture)
    print(out_png)
finally:
    for p in reversed(procs):
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
    shutil.rmtree(tmp, ignore_errors=True)
