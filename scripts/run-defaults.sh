# The quick start's defaults, sourced by run.sh (environment variables win).
# The demo room: anyone with its link joins a call (the first one in hosts it).
export DEMO_ROOM="${DEMO_ROOM-demo}"
# The demo school (classes, teachers, pupils, parents) is OFF unless asked
# for: on it, /school-demo lets anyone enter as any of its people, teachers
# and the school admin included, who may create rooms and start recordings.
# Try it on your own machine with DEMO_SCHOOL=1; never on a server others reach.
export DEMO_SCHOOL="${DEMO_SCHOOL-0}"
