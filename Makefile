# mentorbot: the two commands a newcomer needs are `make demo` and `make test`.
GO        ?= go
PKGS      ?= ./...
VERSION   ?= $(patsubst v%,%,$(shell git describe --tags --always --dirty 2>/dev/null || echo dev))
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
REVISION  ?= $(COMMIT)
BRANCH    ?= $(shell git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)
BUILD_USER ?= $(shell whoami 2>/dev/null || echo unknown)@$(shell hostname 2>/dev/null || echo unknown)
BUILD_DATE ?= $(shell date -u +%Y%m%d-%H:%M:%S)
# The one place the version stamp is defined (prometheus/common/version, as
# Prometheus and Thanos stamp theirs); `make ldflags` prints it for other builds.
VERSION_PKG := github.com/prometheus/common/version
LDFLAGS   := -s -w -X $(VERSION_PKG).Version=$(VERSION) -X $(VERSION_PKG).Revision=$(REVISION) \
  -X $(VERSION_PKG).Branch=$(BRANCH) -X $(VERSION_PKG).BuildUser=$(BUILD_USER) -X $(VERSION_PKG).BuildDate=$(BUILD_DATE)
# The image `make docker` builds; deploy/kubernetes and README.md name it too.
IMAGE     ?= ghcr.io/thanos-community/mentorbot
export GOFLAGS ?= -buildvcs=false
export PATH := $(PATH):/usr/local/go/bin

.PHONY: all build ldflags test demo bench fuzz lint fmt docker docker-push ops docs manifest help clean eval-reviewers

all: build

build: ## build bin/mentorbot (static)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/mentorbot ./cmd/mentorbot

ldflags: ## print the -ldflags that stamp the version (for builds outside make)
	@echo '$(LDFLAGS)'

test: ## go vet and every test with the race detector (fuzz seed corpora included)
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 $(PKGS)

demo: ## the whole workflow, offline, against the built-in GitHub simulator
	$(GO) run ./cmd/mentorbot demo

bench: build ## webhook ack latency, deliveries/s, RSS, GitHub calls per unit of work
	MENTORBOT_BIN=$(CURDIR)/bin/mentorbot $(GO) test -run '^$$' -bench . -benchtime 1x -count 1 ./pkg/e2e/...

eval-reviewers: ## measure reviewer suggestions on merged PRs of thanos-io/thanos and prometheus/prometheus (add ARGS=-v for every PR)
	$(GO) run ./scripts/evalreviewers $(ARGS)

FUZZTIME ?= 60s
fuzz: ## run every fuzz target for FUZZTIME each
	@for t in $$(grep -rl --include='*_test.go' '^func Fuzz' pkg | xargs -n1 dirname | sort -u); do \
	  for f in $$(grep -h '^func Fuzz' $$t/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
	    echo "== $$t $$f"; $(GO) test ./$$t -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) || exit 1; \
	  done; \
	done

lint: ## gofmt, go vet, and no binaries or files over 1 MB tracked outside testdata/
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run ./scripts/checkfiles

fmt:
	gofmt -w $$(git ls-files '*.go')

docker: ## build the container image IMAGE:VERSION, version-stamped (needs a Docker engine)
	docker build -f deploy/Dockerfile --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) -t $(IMAGE):$(VERSION) .

docker-push: docker ## push IMAGE:VERSION (a release pushes the tag's image)
	docker push $(IMAGE):$(VERSION)

ops: ## regenerate the simulator's list of GitHub REST operations (needs npm)
	cd $$(mktemp -d) && npm pack @octokit/openapi@23.0.2 >/dev/null && tar xzf octokit-openapi-23.0.2.tgz && \
	  cd $(CURDIR) && $(GO) run ./scripts/genops -spec $$OLDPWD/package/generated/api.github.com.json -out pkg/githubsim/operations.tsv

clean:
	rm -rf bin

docs: manifest ## regenerate README.md's policy reference and comment examples, its metric table, and deploy/github-app.yml
	$(GO) run ./scripts/gendocs README.md
	MENTORBOT_UPDATE_GOLDEN=1 $(GO) test -count=1 -run '^(TestCommentExamplesDoc|TestReadmeMetricsTable)$$' ./pkg/e2e

manifest: ## regenerate deploy/github-app.yml from pkg/setup, and the PrometheusRule from deploy/prometheus-alerts.yml
	$(GO) run ./cmd/mentorbot setup --print-manifest > deploy/github-app.yml
	MENTORBOT_UPDATE_GOLDEN=1 $(GO) test -count=1 -run '^TestPrometheusRuleIsTheAlertRules$$' ./pkg/e2e

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

