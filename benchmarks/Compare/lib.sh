# Shared by echo.sh and run.sh (sourced, not run): building the servers and running one tcp_echo measurement.
# Everything built goes to $COMPARE_OUT (default /tmp/asyncgen-compare); the repository stays clean.

compare_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$compare_dir/../.." && pwd)
export COMPARE_OUT=${COMPARE_OUT:-/tmp/asyncgen-compare}
export PATH="$HOME/.cargo/bin:$PATH"
mkdir -p "$COMPARE_OUT"

# The tcp_echo servers, each on its own port (no TIME_WAIT interference between consecutive runs).
echo_servers=(c tokio-current tokio-multi asyncgen-local asyncgen-ws2 dotnet)
declare -A echo_port=([c]=18190 [tokio-current]=18191 [tokio-multi]=18192 [asyncgen-local]=18193 [asyncgen-ws2]=18194 [dotnet]=18195)

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

# Prints the command line that starts server $1 on its port (the binaries must be built).
echo_server_command() {
  local port=${echo_port[$1]}
  case $1 in
    c) echo "$c_echo $port" ;;
    tokio-current) echo "$tokio_bin echo $port current" ;;
    tokio-multi) echo "$tokio_bin echo $port multi" ;;
    asyncgen-local) echo "dotnet $COMPARE_OUT/asyncgen-echo/EchoServer.dll $port" ;;
    asyncgen-ws2) echo "dotnet $COMPARE_OUT/asyncgen-echo/EchoServer.dll $port --workers 2" ;;
    dotnet) echo "dotnet $COMPARE_OUT/dotnet-echo/DotNetEchoServer.dll $port" ;;
    *) echo "unknown server '$1' (one of: ${echo_servers[*]})" >&2; return 2 ;;
  esac
}

# utime + stime of every thread of process $1, in clock ticks (/proc/<pid>/stat fields 14 and 15; the command name
# in field 2 may hold spaces, so fields are counted after its closing parenthesis).
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# echo_run server conns seconds: starts the server, warms it up (1 s of the same load, not measured: JIT, pools),
# then measures `seconds` with the load generator and prints its key=value line plus server_cpu_s (the server's
# utime+stime over the measured run, connection setup included) and req_per_cpu_s. Stops the server.
echo_run() {
  local name=$1 conns=$2 seconds=$3 port=${echo_port[$1]} cmd
  cmd=$(echo_server_command "$name") || return 2
  $cmd >/dev/null &
  local server=$!
  for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
  "$loadgen" addr="127.0.0.1:$port" conns="$conns" seconds=1 warmup=0 threads=1 msg=64 label=warmup >/dev/null || true
  local before after line
  before=$(cpu_ticks "$server")
  line=$("$loadgen" addr="127.0.0.1:$port" conns="$conns" seconds="$seconds" warmup=0 threads=1 msg=64 label="$name" rt=- || true)
  after=$(cpu_ticks "$server")
  kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true
  local hz requests
  hz=$(getconf CLK_TCK)
  requests=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$line")
  awk -v line="$line" -v t=$((after - before)) -v hz="$hz" -v r="${requests:-0}" 'BEGIN {
    cpu = t / hz; printf "%s server_cpu_s=%.2f req_per_cpu_s=%.0f\n", line, cpu, (cpu > 0 ? r / cpu : 0) }'
}
