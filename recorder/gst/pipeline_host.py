#!/usr/bin/python3
# Runs one GStreamer pipeline (the description in argv[1], gst-launch syntax)
# and lets the Node recorder change element and pad properties while it runs:
# gst-launch-1.0 cannot, and there are no Node bindings for GStreamer that
# install without a download. Debian's python3-gst-1.0 is GStreamer's own.
#
# stdin:  one JSON command per line
#   {"op": "set", "element": "label", "props": {"text": "Анна"}}
#   {"op": "pad", "element": "comp", "pad": "sink_1", "props": {"alpha": 0.0}}
#   {"op": "eos"}     finish cleanly (muxers write their trailers), then exit 0
# fd 3:   one JSON event per line
#   {"event": "ready", "ports": {"v0": 40123, ...}}   every udpsrc and its bound port
#   {"event": "error", "message": "...", "debug": "..."}
#   {"event": "keyframe", "slot": "v_main"}   the slot's depayloader <slot>_depay
#                                             asked upstream for a keyframe
# Media leaves through whatever sink the description names (fdsink fd=1).
# A stream that ends at the muxer (element "mux") before EOS was asked for is
# an error: the host exits 1 so the recorder starts the pipeline again,
# rather than go on writing a file with only the other stream.
import json
import os
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, GObject, Gst  # noqa: E402

Gst.init(None)
events = os.fdopen(3, "w", buffering=1)
loop = GLib.MainLoop()
exit_code = 0
finishing = False


def emit(event):
    events.write(json.dumps(event) + "\n")


def coerce(obj, name, value):
    # JSON numbers come as int or float; GObject wants the declared type.
    spec = obj.find_property(name)
    if spec is None:
        raise ValueError("no property %s" % name)
    if spec.value_type in (GObject.TYPE_DOUBLE, GObject.TYPE_FLOAT):
        return float(value)
    if name == "text":
        # textoverlay reads Pango markup: a name like "A&B" must stay text.
        return GLib.markup_escape_text(str(value))
    return value


def apply(command):
    global finishing
    op = command.get("op")
    if op == "eos":
        finishing = True
        # Each source on its own: the bin's send_event stops at the first
        # source that has nothing to send (an idle udpsrc).
        for source in sources():
            source.send_event(Gst.Event.new_eos())
        return
    element = pipeline.get_by_name(command["element"])
    if element is None:
        raise ValueError("no element %s" % command["element"])
    target = element
    if op == "pad":
        target = element.get_static_pad(command["pad"])
        if target is None:
            raise ValueError("no pad %s on %s" % (command["pad"], command["element"]))
    elif op != "set":
        raise ValueError("unknown op %s" % op)
    for name, value in command["props"].items():
        target.set_property(name, coerce(target, name, value))


def sources():
    found = []
    it = pipeline.iterate_sources()
    while True:
        ok, element = it.next()
        if ok != Gst.IteratorResult.OK:
            return found
        found.append(element)


def on_stdin(fd, condition):
    global exit_code
    line = sys.stdin.readline()
    if not line:
        # The recorder went away: stop at once, nothing to finish for.
        exit_code = 2
        loop.quit()
        return False
    try:
        apply(json.loads(line))
    except Exception as err:  # a bad command must not stop the program
        emit({"event": "commandError", "message": str(err)})
    return True


def on_message(bus, message):
    global exit_code
    if message.type == Gst.MessageType.EOS:
        loop.quit()
    elif message.type == Gst.MessageType.ERROR:
        err, debug = message.parse_error()
        emit({"event": "error", "message": err.message, "debug": debug or ""})
        exit_code = 1
        loop.quit()
    elif message.type == Gst.MessageType.WARNING:
        err, debug = message.parse_warning()
        emit({"event": "warning", "message": err.message})


def fail(message):
    global exit_code
    emit({"event": "error", "message": message, "debug": ""})
    exit_code = 1
    loop.quit()
    return False


def on_mux_event(pad, info):
    if info.get_event().type == Gst.EventType.EOS and not finishing:
        # Probes run on streaming threads; stop from the main loop.
        GLib.idle_add(fail, "stream %s ended before the program was finished" % pad.get_name())
    return Gst.PadProbeReturn.OK


def on_upstream_event(slot):
    def probe(pad, info):
        s = info.get_event().get_structure()
        if s is not None and s.get_name() == "GstForceKeyUnit":
            emit({"event": "keyframe", "slot": slot})
        return Gst.PadProbeReturn.OK

    return probe


pipeline = Gst.parse_launch(sys.argv[1])
it = pipeline.iterate_elements()
while True:
    ok, element = it.next()
    if ok != Gst.IteratorResult.OK:
        break
    if element.get_name().endswith("_depay"):
        element.get_static_pad("sink").add_probe(
            Gst.PadProbeType.EVENT_UPSTREAM, on_upstream_event(element.get_name()[: -len("_depay")])
        )
mux = pipeline.get_by_name("mux")
if mux is not None:
    for pad in mux.sinkpads:
        pad.add_probe(Gst.PadProbeType.EVENT_DOWNSTREAM, on_mux_event)
bus = pipeline.get_bus()
bus.add_signal_watch()
bus.connect("message", on_message)
if pipeline.set_state(Gst.State.READY) == Gst.StateChangeReturn.FAILURE:
    emit({"event": "error", "message": "pipeline did not start", "debug": ""})
    sys.exit(1)
ports = {}
it = pipeline.iterate_elements()
while True:
    ok, element = it.next()
    if ok != Gst.IteratorResult.OK:
        break
    if element.get_factory() and element.get_factory().get_name() == "udpsrc":
        ports[element.get_name()] = element.get_property("port")
pipeline.set_state(Gst.State.PLAYING)
emit({"event": "ready", "ports": ports})
GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_IN | GLib.IO_HUP, on_stdin)
loop.run()
pipeline.set_state(Gst.State.NULL)
sys.exit(exit_code)
