# pppssh - top-level entry points.  See README.md.
BUILD       ?= build
BUILD_ASAN  ?= build-asan
BUILD_FUZZ  ?= build-fuzz
BUILD_DEB   ?= build-deb
FUZZ_SECONDS ?= 30
JOBS        ?= $(shell nproc)
PREFIX      ?= /usr
DESTDIR     ?=

.PHONY: all deps build asan fuzz-build test unit fuzz interop e2e system bench demo install uninstall \
        deb format clean

all: build

deps:
	./scripts/deps.sh

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j $(JOBS)

asan:
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DPPPSSH_SANITIZE=ON
	cmake --build $(BUILD_ASAN) -j $(JOBS)

fuzz-build:
	cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
	    -DPPPSSH_FUZZ=ON -DPPPSSH_FUZZ_SECONDS=$(FUZZ_SECONDS)
	cmake --build $(BUILD_FUZZ) -j $(JOBS)

# Every test: unit (plain and sanitized), fuzz (FUZZ_SECONDS each, ASan),
# interoperability with real PPP peers, end-to-end tunnels, and the system
# tests in a Debian 12 guest.
test: deps build asan fuzz-build
	ctest --test-dir $(BUILD) --output-on-failure
	ctest --test-dir $(BUILD_ASAN) --output-on-failure -L unit
	ctest --test-dir $(BUILD_FUZZ) --output-on-failure -L fuzz -j $(JOBS)
	$(MAKE) system

unit: build
	ctest --test-dir $(BUILD) --output-on-failure -L unit

fuzz: fuzz-build
	FUZZ_SEED=0 ctest --test-dir $(BUILD_FUZZ) --output-on-failure -L fuzz -j $(JOBS)

interop: build
	ctest --test-dir $(BUILD) --output-on-failure -L interop

e2e: build
	ctest --test-dir $(BUILD) --output-on-failure -L e2e

# The package of this build in a Debian 12 guest (qemu, TCG) with systemd,
# systemd-resolved, resolvconf, sshd and kernel PPP, against this build in
# a network namespace (root; tests/system/README.md).  The guest image is
# cached in /var/tmp/pppssh-vm; SYSTEM_SCENARIOS picks scenarios.
system: build
	$(MAKE) deb DEB_BUILD_OPTIONS=nocheck
	PPPSSH=$(CURDIR)/$(BUILD)/pppssh SYSTEM_DEB=$$(ls $(BUILD_DEB)/pppssh_*_*.deb | grep -v dbgsym) \
	    ./tests/system/run.sh || [ $$? = 77 ]

# A real tunnel through a real sshd between network namespaces (needs root).
demo: deps build
	./scripts/demo.sh $(BUILD)

bench: deps build
	./bench/run.sh $(BUILD)

# pppssh in $(PREFIX)/sbin, pty-redir in $(PREFIX)/bin, man pages, the
# systemd unit (ExecStart = $(PREFIX)/sbin/pppssh), shell completions, docs
# and examples under $(PREFIX)/share/doc/pppssh, and /etc/pppssh (0755).
# Every file written is listed in $(BUILD)/install_manifest.txt.
install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix $(PREFIX)

# Removes exactly the files the last install wrote (give the same DESTDIR:
# the manifest lists paths without it); /etc/pppssh and its configs stay.
uninstall:
	@test -f $(BUILD)/install_manifest.txt || \
	    { echo "uninstall: nothing installed from $(BUILD) (no install_manifest.txt)"; exit 1; }
	@while IFS= read -r f || [ -n "$$f" ]; do \
	    echo "rm $(DESTDIR)$$f"; rm -f -- "$(DESTDIR)$$f" || exit 1; \
	done < $(BUILD)/install_manifest.txt

# The Debian package, from the files git tracks (a copy in $(BUILD_DEB)/,
# the worktree stays clean): $(BUILD_DEB)/pppssh_VERSION_ARCH.deb and the
# source package, then lintian (fails on errors) and, as root, an install
# into a throwaway overlay of / (scripts/deb-check.sh).  Needs debhelper,
# dpkg-dev and lintian (deps.sh installs them: `make system` builds it).
# DEB_BUILD_OPTIONS=nocheck skips the unit tests.
deb:
	@v=$$(dpkg-parsechangelog -S Version); \
	c=$$(sed -n 's/^project(pppssh VERSION \([^ ]*\) .*/\1/p' CMakeLists.txt); \
	[ "$$v" = "$$c" ] || { echo "deb: debian/changelog says $$v, CMakeLists.txt $$c"; exit 1; }
	rm -rf $(BUILD_DEB)
	mkdir -p $(BUILD_DEB)/pppssh
	git ls-files -z | xargs -0 cp -a --parents -t $(BUILD_DEB)/pppssh
	cd $(BUILD_DEB)/pppssh && DEB_BUILD_OPTIONS="parallel=$(JOBS) $(DEB_BUILD_OPTIONS)" \
	    dpkg-buildpackage -us -uc
	lintian --info $(BUILD_DEB)/*.changes
	./scripts/deb-check.sh $(BUILD_DEB)/pppssh_*.deb || [ $$? = 77 ]
	@ls $(BUILD_DEB)/*.deb

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) $(BUILD_DEB)
