#!/usr/bin/env bash
# The install tests: what a user gets from `cmake --install`, from the .deb packages, from pip and from Go.
#   install_test.sh STEP      STEP: prefix | cli | man | pkgconfig | cmake | cmake_cxx | python | go | deb
# CTest (tests/install/CMakeLists.txt) sets the GR_* variables below. `prefix` installs the build into
# $GR_WORK/stage and moves it to $GR_WORK/prefix, so everything after it also proves the install relocatable;
# the other steps use that prefix (or, for `deb`, the packages) and nothing of the build tree.
set -euo pipefail  # (no `grep -q` at the end of a pipe: its early exit would fail the pipe)
: "${GR_BUILD:?}" "${GR_SOURCE:?}" "${GR_WORK:?}" "${GR_VERSION:?}" "${GR_LIBDIR:?}" "${GR_BINDIR:?}"
: "${GR_INCLUDEDIR:?}" "${GR_MANDIR:?}" "${GR_DOCDIR:?}" "${GR_CMAKEDIR:?}" "${GR_CMAKE:?}" "${GR_COMPARE:?}"
: "${GR_PYTHON:?}"
PREFIX=$GR_WORK/prefix
step=${1:?step}

fail() { echo "FAIL: $*" >&2; exit 1; }
need_file() { [[ -e $1 ]] || fail "missing: $1"; }
# Compares JSON Lines with the expected ones on the contract fields (compare_jsonl.py).
compare() {  # actual expected
  [[ -f $GR_COMPARE ]] || fail "compare_jsonl.py not found at $GR_COMPARE (set GRIDROUTE_SHARED_DIR)"
  "$GR_PYTHON" "$GR_COMPARE" "$1" "$2" >"$1.compare" || { cat "$1.compare" >&2; fail "$1 differs from $2"; }
}
first_expected() {  # n out: the expected decisions of the first n issues
  head -n "$1" "$BUNDLE/expected-route.jsonl" >"$2"
}
# ldd of a program or library: every library resolves, libgridroute (if used) from $2, nothing from the build
# or source tree.
check_ldd() {  # file expected-libgridroute-dir|-
  local out got
  out=$(ldd "$1") || fail "ldd $1"
  bad() { echo "ldd $1:" >&2; echo "$out" >&2; fail "$2"; }
  grep -q "not found" <<<"$out" && bad "$1" "$1: a library is not found"
  # (The test's own prefix may lie inside the build tree.)
  grep -vF "$GR_WORK/" <<<"$out" | grep -F "$GR_BUILD/" >/dev/null && bad "$1" "$1: resolves a library from the build tree"
  grep -vF "$GR_WORK/" <<<"$out" | grep -F "$GR_SOURCE/" >/dev/null && bad "$1" "$1: resolves a library from the source tree"
  if [[ $2 == - ]]; then
    echo "ldd ${1##*/}: $(grep -c '=>' <<<"$out") libraries, none from the build or source tree"
    return 0
  fi
  got=$(awk '$1 == "libgridroute.so.1" {print $3}' <<<"$out")
  [[ $got == "$2/libgridroute.so.1" ]] || bad "$1" "$1: libgridroute.so.1 resolves to '$got', not $2/libgridroute.so.1"
  echo "ldd ${1##*/}: $(grep -c '=>' <<<"$out") libraries, none from the build or source tree, libgridroute.so.1 from $2"
}
# The bundle and the C example as installed (share/doc/gridroute/examples), not from the source tree.
BUNDLE=$PREFIX/$GR_DOCDIR/examples/lanxi
NOW=$(cat "$BUNDLE/NOW.txt" 2>/dev/null || true)
# Nothing from the environment may point into the build tree.
unset GRIDROUTE_LIBRARY PYTHONPATH LD_LIBRARY_PATH PKG_CONFIG_PATH CMAKE_PREFIX_PATH CGO_CFLAGS CGO_LDFLAGS

case $step in
prefix)
  rm -rf "$GR_WORK/stage" "$PREFIX"
  mkdir -p "$GR_WORK"
  "$GR_CMAKE" --install "$GR_BUILD" --prefix "$GR_WORK/stage" >"$GR_WORK/install.log"
  mv "$GR_WORK/stage" "$PREFIX"
  for f in "$GR_LIBDIR/libgridroute.so.$GR_VERSION" "$GR_LIBDIR/libgridroute.so.1" "$GR_LIBDIR/libgridroute.so" \
           "$GR_INCLUDEDIR/gridroute.h" "$GR_INCLUDEDIR/gridroute/engine.hpp" "$GR_LIBDIR/pkgconfig/gridroute.pc" \
           "$GR_CMAKEDIR/gridrouteConfig.cmake" "$GR_CMAKEDIR/gridrouteConfigVersion.cmake" \
           "$GR_CMAKEDIR/gridrouteTargets.cmake" "$GR_CMAKEDIR/gridrouteCxxTargets.cmake" "$GR_BINDIR/gridroute" \
           "$GR_MANDIR/man1/gridroute.1" "$GR_DOCDIR/README.md" "$GR_DOCDIR/docs/install.md" \
           "$GR_DOCDIR/examples/lanxi/rules.json" "$GR_DOCDIR/examples/c/route_issues.c"; do
    need_file "$PREFIX/$f"
  done
  [[ $(readlink "$PREFIX/$GR_LIBDIR/libgridroute.so.1") == "libgridroute.so.$GR_VERSION" ]] || fail "libgridroute.so.1 link"
  [[ $(readlink "$PREFIX/$GR_LIBDIR/libgridroute.so") == libgridroute.so.1 ]] || fail "libgridroute.so link"
  objdump -p "$PREFIX/$GR_LIBDIR/libgridroute.so.1" | grep -E 'SONAME +libgridroute\.so\.1$' >/dev/null || fail "SONAME"
  # No internal header is installed: only the public trees.
  find "$PREFIX/$GR_INCLUDEDIR" -type f | grep -Ev "/gridroute(_version)?\.h$|/gridroute/[^/]+\.hpp$|/gridroute/detail/" \
    && fail "unexpected header installed"
  # Relocatable: no installed text file names the build tree, the source tree or the staging prefix.
  if grep -rIlF -e "$GR_BUILD" -e "$GR_SOURCE/" -e "$GR_WORK/stage" "$PREFIX"; then
    fail "the files above name an absolute build-time path"
  fi
  objdump -p "$PREFIX/$GR_BINDIR/gridroute" "$PREFIX/$GR_LIBDIR/libgridroute.so.1" | grep -E "RPATH|RUNPATH" \
    | grep -F -e "$GR_BUILD" -e "$GR_SOURCE/" && fail "an installed binary keeps a build-tree RPATH"
  # One version everywhere: project(VERSION), the header, the .pc, the CLI.
  v=$(sed -n 's/^#define GRIDROUTE_VERSION_STRING "\(.*\)"$/\1/p' "$PREFIX/$GR_INCLUDEDIR/gridroute_version.h")
  [[ $v == "$GR_VERSION" ]] || fail "gridroute_version.h says $v, project(VERSION) $GR_VERSION"
  [[ $(PKG_CONFIG_PATH=$PREFIX/$GR_LIBDIR/pkgconfig pkg-config --modversion gridroute) == "$GR_VERSION" ]] || fail ".pc Version"
  [[ $("$PREFIX/$GR_BINDIR/gridroute" version) == "gridroute $GR_VERSION" ]] || fail "gridroute version"
  echo "installed and moved to $PREFIX"
  ;;

cli)
  exe=$PREFIX/$GR_BINDIR/gridroute
  check_ldd "$exe" -
  "$exe" check "$BUNDLE" >"$GR_WORK/cli-check.txt" || fail "gridroute check $BUNDLE"
  "$exe" route "$BUNDLE" "$BUNDLE/issues.jsonl" >"$GR_WORK/cli-route.jsonl"
  compare "$GR_WORK/cli-route.jsonl" "$BUNDLE/expected-route.jsonl"
  "$exe" escalate "$BUNDLE" "$BUNDLE/cases.jsonl" --now "$NOW" >"$GR_WORK/cli-escalate.jsonl"
  compare "$GR_WORK/cli-escalate.jsonl" "$BUNDLE/expected-escalate.jsonl"
  echo "the installed CLI routes and escalates the installed example bundle as expected"
  ;;

man)
  page=$PREFIX/$GR_MANDIR/man1/gridroute.1
  warnings=$(groff -man -ww -z "$page" 2>&1) || fail "groff cannot read $page"
  [[ -z $warnings ]] || fail "groff warns about $page: $warnings"
  groff -man -Tutf8 -rLL=120n "$page" >"$GR_WORK/man.txt"
  # Every line of every --help is in the page (whitespace and case aside): the page says what --help says.
  "$GR_PYTHON" - "$PREFIX/$GR_BINDIR/gridroute" "$GR_WORK/man.txt" <<'EOF'
import re, subprocess, sys
cli, rendered = sys.argv[1], sys.argv[2]
norm = lambda s: " ".join(s.split()).lower()
text = open(rendered, encoding="utf-8").read()
page = norm(re.sub(r"\x1b\[[0-9;]*m", "", re.sub(r".\x08", "", text)))
helps = {"": subprocess.run([cli, "--help"], capture_output=True, text=True, check=True).stdout}
for cmd in re.findall(r"^  gridroute ([a-z]+)", helps[""], re.M):
    r = subprocess.run([cli, cmd, "--help"], capture_output=True, text=True)
    if r.stdout.startswith("Usage:"):
        helps[cmd] = r.stdout
missing = []
for cmd, help_text in helps.items():
    for line in help_text.splitlines():
        line = line.strip()
        if not line or line == "Usage:":
            continue
        if not cmd and " — " in line:
            line = line.split(" — ", 1)[1]
        line = re.sub(r"^(Usage|Exit status):\s*", "", line)
        parts = re.split(r"\s{2,}", line) if not cmd else [line]
        missing += ["%s: %s" % (cmd or "--help", p) for p in parts if norm(p) not in page]
if len(helps) < 3:
    missing.append("fewer than two commands with --help found")
for m in missing:
    print("not in the man page:", m)
print("%d help texts checked against the man page" % len(helps))
sys.exit(1 if missing else 0)
EOF
  ;;

pkgconfig)
  # The project's C example, as installed, built with pkg-config alone.
  export PKG_CONFIG_PATH=$PREFIX/$GR_LIBDIR/pkgconfig
  mkdir -p "$GR_WORK/pkgconfig"
  exe=$GR_WORK/pkgconfig/route_issues
  # shellcheck disable=SC2046
  "${GR_CC:-cc}" -std=c99 -Wall -Wextra -pedantic -Werror -o "$exe" "$PREFIX/$GR_DOCDIR/examples/c/route_issues.c" \
    $(pkg-config --cflags --libs gridroute)
  export LD_LIBRARY_PATH=$PREFIX/$GR_LIBDIR
  check_ldd "$exe" "$PREFIX/$GR_LIBDIR"
  for mode in fast json; do
    "$exe" --$mode "$BUNDLE" "$BUNDLE/issues.jsonl" >"$GR_WORK/pkgconfig/$mode.jsonl"
    compare "$GR_WORK/pkgconfig/$mode.jsonl" "$BUNDLE/expected-route.jsonl"
  done
  echo "built with: $(pkg-config --cflags --libs gridroute)"
  ;;

cmake | cmake_cxx)
  dir=$GR_WORK/$step
  rm -rf "$dir"
  with_cxx=OFF
  [[ $step == cmake_cxx ]] && with_cxx=ON
  "$GR_CMAKE" -S "$GR_SOURCE/tests/install/consumer" -B "$dir" -G "${GR_GENERATOR:-Ninja}" \
    -DCMAKE_PREFIX_PATH="$PREFIX" -DWITH_CXX=$with_cxx -DCMAKE_BUILD_TYPE=Release >"$dir.configure.log" \
    || { cat "$dir.configure.log"; fail "configuring the consumer project"; }
  "$GR_CMAKE" --build "$dir" || fail "building the consumer project"
  grep -q "gridroute_DIR:PATH=$PREFIX/$GR_CMAKEDIR" "$dir/CMakeCache.txt" || fail "find_package did not use $PREFIX"
  first_expected 5 "$dir/expected.jsonl"
  export LD_LIBRARY_PATH=$PREFIX/$GR_LIBDIR
  check_ldd "$dir/route_first" "$PREFIX/$GR_LIBDIR"
  "$dir/route_first" "$BUNDLE" "$BUNDLE/issues.jsonl" 5 >"$dir/c.jsonl"
  compare "$dir/c.jsonl" "$dir/expected.jsonl"
  if [[ $with_cxx == ON ]]; then
    check_ldd "$dir/route_first_cxx" -
    "$dir/route_first_cxx" "$BUNDLE" "$BUNDLE/issues.jsonl" 5 >"$dir/cxx.jsonl"
    compare "$dir/cxx.jsonl" "$dir/expected.jsonl"
  fi
  echo "find_package(gridroute) from $PREFIX: built and routed"
  ;;

python)
  # An interpreter with venv, pip, setuptools and wheel (Debian: python3-venv python3-pip python3-setuptools
  # python3-wheel); the Debian one first, since those packages are for it.
  py=
  for cand in /usr/bin/python3 "${GR_PYTHON}"; do
    if [[ -x $cand ]] && "$cand" -c "import setuptools, wheel, venv" 2>/dev/null \
       && "$cand" -m pip --version >/dev/null 2>&1; then py=$cand; break; fi
  done
  [[ -n $py ]] || fail "no python3 with venv, pip, setuptools and wheel (apt-get install python3-venv python3-pip python3-setuptools python3-wheel)"
  dir=$GR_WORK/python
  rm -rf "$dir"
  mkdir -p "$dir"
  # From a copy: pip writes build/ and *.egg-info/ beside the sources.
  cp -r "$GR_SOURCE/bindings/python" "$dir/src"
  rm -rf "$dir/src/build" "$dir/src"/*.egg-info
  "$py" -m venv --system-site-packages --without-pip "$dir/venv"
  env -u PIP_FIND_LINKS "$dir/venv/bin/python" -m pip install --no-build-isolation --no-index --no-deps "$dir/src" \
    >"$dir/pip.log" 2>&1 || { cat "$dir/pip.log"; fail "pip install"; }
  v=$("$dir/venv/bin/python" -m pip show gridroute 2>/dev/null | sed -n 's/^Version: //p')
  [[ $v == "$GR_VERSION" ]] || fail "the Python package says $v, project(VERSION) $GR_VERSION"
  first_expected 1 "$dir/expected.jsonl"
  cat >"$dir/route_one.py" <<'EOF'
import json, sys
import gridroute
bundle, issues, venv, libdir = sys.argv[1:5]
assert gridroute.__file__.startswith(venv + "/"), "imported from " + gridroute.__file__
maps = [l.split()[-1] for l in open("/proc/self/maps") if "libgridroute.so" in l]
assert maps and all(m.startswith(libdir + "/") for m in maps), "libgridroute loaded from %s" % sorted(set(maps))
line = next(l for l in open(issues, encoding="utf-8") if l.strip())
with gridroute.Engine.load(bundle) as engine:
    print(json.dumps(engine.route(line).to_dict()))
EOF
  cd "$dir"  # not the source tree: the installed package is the one imported
  # The library through the dynamic loader (LD_LIBRARY_PATH), then through GRIDROUTE_LIBRARY.
  LD_LIBRARY_PATH=$PREFIX/$GR_LIBDIR "$dir/venv/bin/python" -B route_one.py "$BUNDLE" "$BUNDLE/issues.jsonl" \
    "$dir/venv" "$PREFIX/$GR_LIBDIR" >"$dir/loader.jsonl"
  compare "$dir/loader.jsonl" "$dir/expected.jsonl"
  GRIDROUTE_LIBRARY=$PREFIX/$GR_LIBDIR/libgridroute.so.1 "$dir/venv/bin/python" -B route_one.py "$BUNDLE" \
    "$BUNDLE/issues.jsonl" "$dir/venv" "$PREFIX/$GR_LIBDIR" >"$dir/env.jsonl"
  compare "$dir/env.jsonl" "$dir/expected.jsonl"
  echo "pip-installed with $py; routed through the dynamic loader and through GRIDROUTE_LIBRARY"
  ;;

go)
  [[ -n ${GR_GO:-} ]] || { echo "SKIP: the Go toolchain ('go') was not found; install golang-go"; exit 0; }
  dir=$GR_WORK/go
  rm -rf "$dir"
  mkdir -p "$dir"
  # A copy of the module, away from this tree: the header and library come from pkg-config alone.
  cp -r "$GR_SOURCE/bindings/go" "$dir/src"
  export PKG_CONFIG_PATH=$PREFIX/$GR_LIBDIR/pkgconfig
  (cd "$dir/src" && env GOPATH="$GR_BUILD/go/path" GOCACHE="$GR_BUILD/go/cache" GOMODCACHE="$GR_BUILD/go/path/pkg/mod" \
     GOPROXY=off GO111MODULE=on GOTOOLCHAIN=local CGO_ENABLED=1 \
     "$GR_GO" build -o "$dir/route" ./examples/route) || fail "go build against $PREFIX"
  export LD_LIBRARY_PATH=$PREFIX/$GR_LIBDIR
  check_ldd "$dir/route" "$PREFIX/$GR_LIBDIR"
  "$dir/route" "$BUNDLE" | cut -f1 >"$dir/route.jsonl"
  compare "$dir/route.jsonl" "$BUNDLE/expected-route.jsonl"
  echo "the Go example built with PKG_CONFIG_PATH=$PKG_CONFIG_PATH routes as expected"
  ;;

deb)
  : "${GR_CPACK:?}"
  dir=$GR_WORK/deb
  rm -rf "$dir"
  mkdir -p "$dir"
  "$GR_CPACK" --config "$GR_BUILD/CPackConfig.cmake" -G DEB -B "$dir" >"$dir/cpack.log" 2>&1 \
    || { cat "$dir/cpack.log"; fail "cpack"; }
  arch=$(dpkg --print-architecture)
  libdir=usr/$GR_LIBDIR
  # Each package holds what it should, and nothing else: every file matches one of its patterns.
  lib="\\./$libdir" cm="\\./usr/$GR_CMAKEDIR" doc="\\./usr/$GR_DOCDIR" man="\\./usr/$GR_MANDIR"
  declare -A want=(
    [libgridroute1]="./$libdir/libgridroute.so.1 ./$libdir/libgridroute.so.$GR_VERSION"
    [libgridroute-dev]="./usr/include/gridroute.h ./$libdir/libgridroute.so ./$libdir/pkgconfig/gridroute.pc ./usr/$GR_CMAKEDIR/gridrouteConfig.cmake ./usr/$GR_CMAKEDIR/gridrouteConfigVersion.cmake ./usr/$GR_CMAKEDIR/gridrouteTargets.cmake ./usr/$GR_DOCDIR/docs/install.md ./usr/$GR_DOCDIR/examples/lanxi/rules.json"
    [libgridroute-cxx-dev]="./usr/include/gridroute/engine.hpp ./usr/$GR_CMAKEDIR/gridrouteCxxTargets.cmake"
    [gridroute-tools]="./usr/bin/gridroute ./usr/$GR_MANDIR/man1/gridroute.1"
  )
  declare -A allow=(
    [libgridroute1]="^$lib/libgridroute\\.so\\.1(\\..*)?$"
    [libgridroute-dev]="^(\\./usr/include/gridroute(_version)?\\.h|$lib/libgridroute\\.so|$lib/pkgconfig/gridroute\\.pc|$cm/gridroute(Config|ConfigVersion|Targets|Targets-[a-z]+)\\.cmake|$doc/.*)$"
    [libgridroute-cxx-dev]="^(\\./usr/include/gridroute/.*\\.hpp|$lib/libgridroute[a-z_]*\\.a|$cm/gridrouteCxxTargets(-[a-z]+)?\\.cmake)$"
    [gridroute-tools]="^(\\./usr/bin/gridroute|$man/man1/gridroute\\.1(\\.gz)?)$"
  )
  root=$dir/root
  for pkg in "${!want[@]}"; do
    deb=$dir/${pkg}_${GR_VERSION}_$arch.deb
    need_file "$deb"
    [[ $(dpkg-deb -f "$deb" Package) == "$pkg" ]] || fail "$deb: Package"
    [[ $(dpkg-deb -f "$deb" Version) == "$GR_VERSION" ]] || fail "$deb: Version is not $GR_VERSION"
    [[ $(dpkg-deb -f "$deb" Architecture) == "$arch" ]] || fail "$deb: Architecture"
    dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $6}' >"$dir/$pkg.files"
    for f in ${want[$pkg]}; do grep -qxF "$f" "$dir/$pkg.files" || fail "$pkg does not hold $f"; done
    if grep -Ev "${allow[$pkg]}" "$dir/$pkg.files"; then fail "$pkg holds the files above, which are not its own"; fi
    [[ $pkg == libgridroute-cxx-dev ]] || dpkg -x "$deb" "$root"  # (nothing in it runs)
    echo "$pkg: $(dpkg-deb -f "$deb" Depends)"
  done
  depends() { dpkg-deb -f "$dir/${1}_${GR_VERSION}_$arch.deb" Depends; }
  grep -qF "libgridroute1 (= $GR_VERSION)" <<<"$(depends libgridroute-dev)" || fail "libgridroute-dev must depend on libgridroute1 (= $GR_VERSION)"
  for d in "libgridroute-dev (= $GR_VERSION)" libabsl-dev "libboost-json"; do
    grep -qF "$d" <<<"$(depends libgridroute-cxx-dev)" || fail "libgridroute-cxx-dev must depend on $d"
  done
  dpkg-deb --ctrl-tarfile "$dir/libgridroute1_${GR_VERSION}_$arch.deb" | tar -xO ./shlibs | grep "^libgridroute 1 libgridroute1" >/dev/null \
    || fail "libgridroute1 has no shlibs entry"
  dpkg-deb --ctrl-tarfile "$dir/libgridroute1_${GR_VERSION}_$arch.deb" | tar -xO ./postinst | grep ldconfig >/dev/null \
    || fail "libgridroute1 does not run ldconfig"
  # Every shared library the .so and the CLI need comes from a package they declare (a fresh Debian 12
  # installs it with them); libgridroute itself from the root.
  export LD_LIBRARY_PATH=$root/$libdir
  elves=("libgridroute1:$root/$libdir/libgridroute.so.1" "gridroute-tools:$root/usr/bin/gridroute")
  needs=()  # "pkg file lib path" for every NEEDED entry resolved outside the root
  for pair in "${elves[@]}"; do
    pkg=${pair%%:*} file=${pair#*:}
    check_ldd "$file" - >/dev/null
    resolved=$(ldd "$file" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3} $1 ~ /^\// {n = split($1, p, "/"); print p[n], $1}')
    for lib in $(objdump -p "$file" | awk '$1 == "NEEDED" {print $2}'); do
      path=$(awk -v l="$lib" '$1 == l {print $2; exit}' <<<"$resolved")
      [[ -n $path ]] || fail "$file: ldd does not resolve $lib"
      [[ $path == "$root"/* ]] || needs+=("$pkg $file $lib $path")
    done
  done
  # Who owns each: one dpkg -S for all (as ldd names it, as its real path, and without /usr for usrmerge).
  declare -A owner_of=()
  paths=()
  for n in "${needs[@]}"; do
    path=${n##* } real=$(readlink -f "${n##* }")
    paths+=("$path" "$real" "${real#/usr}")
  done
  while IFS= read -r l; do
    [[ $l == diversion* ]] && continue
    owner=${l%%: /*} owned=${l#*: }
    owner_of[$owned]=${owner%%[:,]*}
  done < <(dpkg -S "${paths[@]}" 2>/dev/null || true)
  for n in "${needs[@]}"; do
    read -r pkg file lib path <<<"$n"
    real=$(readlink -f "$path")
    owner=${owner_of[$path]:-${owner_of[$real]:-${owner_of[${real#/usr}]:-}}}
    [[ -n $owner ]] || fail "$file needs $lib ($path), which no Debian package holds"
    deps=$(depends "$pkg")
    tr ',' '\n' <<<"$deps" | awk '{print $1}' | grep -xF "$owner" >/dev/null \
      || fail "$pkg needs $lib from $owner, but its Depends is: $deps"
    echo "  $pkg: $lib from $owner: declared"
  done
  # apt resolves the four together against this system's package lists: the Depends name real packages.
  sim=$(apt-get -s -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= install "$dir"/*_"$GR_VERSION"_"$arch".deb 2>&1) \
    || { echo "$sim"; fail "apt-get -s install of the packages"; }
  for pkg in "${!want[@]}"; do
    grep -E "^Inst $pkg |^$pkg is already the newest" <<<"$sim" >/dev/null || { echo "$sim"; fail "apt-get -s would not install $pkg"; }
  done
  echo "apt-get -s install: all four resolve"
  # Run from the unpacked root alone: the CLI, and the C example built against the -dev package.
  rbundle=$root/usr/$GR_DOCDIR/examples/lanxi
  check_ldd "$root/usr/bin/gridroute" -
  "$root/usr/bin/gridroute" route "$rbundle" "$rbundle/issues.jsonl" >"$dir/cli.jsonl"
  compare "$dir/cli.jsonl" "$rbundle/expected-route.jsonl"
  # shellcheck disable=SC2046
  "${GR_CC:-cc}" -std=c99 -o "$dir/route_issues" "$root/usr/$GR_DOCDIR/examples/c/route_issues.c" \
    $(PKG_CONFIG_PATH=$root/$libdir/pkgconfig pkg-config --cflags --libs gridroute)
  check_ldd "$dir/route_issues" "$root/$libdir"
  "$dir/route_issues" --json "$rbundle" "$rbundle/issues.jsonl" >"$dir/c.jsonl"
  compare "$dir/c.jsonl" "$rbundle/expected-route.jsonl"
  echo "4 packages built, unpacked into $root and run from there"
  ;;

*)
  fail "unknown step $step"
  ;;
esac
