# Shared by echo.sh and run.sh (sourced, not run): building the servers and running one tcp_echo measurement.
# Everything built goes to $COMPARE_OUT (default /tmp/asyncgen-compare); the repository stays clean.

compare_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$compare_dir/../.." && pwd)
export COMPARE_OUT=${COMPARE_OUT:-/tmp/asyncgen-compare}
export PATH="$HOME/.cargo/bin:$PATH"
mkdir -p "$COMPARE_OUT"

# The tcp_echo servers; asyncgen-base (another build, for before/after runs) only when BASELINE_ECHO_DLL names one.
echo_servers=(c tokio-current tokio-multi asyncgen-local asyncgen-ws2 dotnet)
if [ -n "${BASELINE_ECHO_DLL:-}" ]; then echo_servers+=(asyncgen-base); fi

build_loadgen() {
  local src=${ECHO_LOADGEN_SRC:-$repo_dir/../shared/tools/echo-loadgen}
  [ -d "$src" ] || src=/work/shared/tools/echo-loadgen
  loadgen=$(ECHO_LOADGEN_DIR="$COMPARE_OUT/echo-loadgen" "$src/build.sh")
}
build_c() { c_echo=$("$compare_dir/c/build.sh"); }
build_tokio() { tokio_bin=$(COMPARE_TOKIO_TARGET="$COMPARE_OUT/tokio-target" "$compare_dir/tokio/build.sh"); }
# dotnet_build project output: a Release build; its log is shown only when it fails.
dotnet_build() {
  local log="$COMPARE_OUT/build-$(basename "$1").log"
  dotnet build -c Release -nologo "$1" -o "$2" >"$log" 2>&1 || { cat "$log" >&2; return 1; }
}
build_dotnet_echo() {
  dotnet_build "$repo_dir/samples/EchoServer" "$COMPARE_OUT/asyncgen-echo"
  dotnet_build "$repo_dir/benchmarks/TcpEcho/DotNetEchoServer" "$COMPARE_OUT/dotnet-echo"
}

# Prints the command line that starts server $1 on port $2 (the binaries must be built).
echo_server_command() {
  local port=$2
  case $1 in
    c) echo "$c_echo $port" ;;
    tokio-current) echo "$tokio_bin echo $port current" ;;
    tokio-multi) echo "$tokio_bin echo $port multi" ;;
    asyncgen-local) echo "dotnet $COMPARE_OUT/asyncgen-echo/EchoServer.dll $port" ;;
    asyncgen-ws2) echo "dotnet $COMPARE_OUT/asyncgen-echo/EchoServer.dll $port --workers 2" ;;
    # Another build of samples/EchoServer, for before/after runs interleaved with the current one (see echo.sh).
    asyncgen-base) echo "dotnet ${BASELINE_ECHO_DLL:?asyncgen-base needs BASELINE_ECHO_DLL=/path/to/EchoServer.dll} $port" ;;
    dotnet) echo "dotnet $COMPARE_OUT/dotnet-echo/DotNetEchoServer.dll $port" ;;
    *) echo "unknown server '$1' (one of: ${echo_servers[*]})" >&2; return 2 ;;
  esac
}

# utime + stime of every thread of process $1, in clock ticks (/proc/<pid>/stat fields 14 and 15; the command name
# in field 2 may hold spaces, so fields are counted after its closing parenthesis). Fails if the process is gone
# (or a zombie: it exited and was not reaped yet).
cpu_ticks() {
  local stat
  stat=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$stat" ] && [ "${stat%% *}" != Z ] || return 1
  awk '{ print $12 + $13 }' <<<"$stat"
}

# A TCP port nobody listens on now, drawn from 20000-29999: other benchmarks on a shared machine use fixed ports
# (18080 and up), and the load generator must measure our server, not someone else's still listening there.
free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 10000))
    if [ -z "$(ss -Htln "sport = :$port")" ]; then echo "$port"; return 0; fi
  done
  return 1
}

# wait_listening pid port: waits (up to 60 s: a .NET server starts slowly on a loaded machine) until process pid
# listens on port; fails as soon as it exits (a bind error, say).
wait_listening() {
  for _ in $(seq 600); do
    kill -0 "$1" 2>/dev/null || return 1
    ss -Htlnp "sport = :$2" | grep -q "pid=$1," && return 0
    sleep 0.1
  done
  return 1
}

# echo_run server conns seconds: starts the server, warms it up ($COMPARE_ECHO_WARMUP s, default 2, of the same load,
# not measured: JIT tiers, pools; under load the JIT's background compiles would otherwise count as server CPU),
# then measures `seconds` with the load generator and prints its key=value line plus server_cpu_s (the server's
# utime+stime over the measured run, connection setup included) and req_per_cpu_s. Stops the server. Fails (no
# line, exit code 1) when the server does not start or does not live through the run; its output is in
# $COMPARE_OUT/server-<server>.log.
echo_run() {
  local name=$1 conns=$2 seconds=$3 port cmd log="$COMPARE_OUT/server-$1.log"
  port=$(free_port) || { echo "echo_run: no free port" >&2; return 1; }
  cmd=$(echo_server_command "$name" "$port") || return 2
  $cmd >"$log" 2>&1 &
  local server=$!
  if ! wait_listening "$server" "$port"; then
    echo "echo_run: $name did not start listening on $port (see $log)" >&2
    kill "$server" 2>/dev/null; wait "$server" 2>/dev/null
    return 1
  fi
  "$loadgen" addr="127.0.0.1:$port" conns="$conns" seconds="${COMPARE_ECHO_WARMUP:-2}" warmup=0 threads=1 msg=64 label=warmup >/dev/null || true
  local before after line
  before=$(cpu_ticks "$server")
  line=$("$loadgen" addr="127.0.0.1:$port" conns="$conns" seconds="$seconds" warmup=0 threads=1 msg=64 label="$name" rt=- || true)
  after=$(cpu_ticks "$server") || { echo "echo_run: $name exited during the run (see $log)" >&2; wait "$server"; return 1; }
  kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true
  local hz requests
  hz=$(getconf CLK_TCK)
  requests=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$line")
  awk -v line="$line" -v t=$((after - before)) -v hz="$hz" -v r="${requests:-0}" 'BEGIN {
    cpu = t / hz; printf "%s server_cpu_s=%.2f req_per_cpu_s=%.0f\n", line, cpu, (cpu > 0 ? r / cpu : 0) }'
}
