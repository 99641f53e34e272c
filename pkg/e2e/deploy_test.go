package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/demo"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/setup"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// deploy/github-app.yml is generated from pkg/setup, the manifest setup
// posts; they cannot drift.
func TestDeployManifestIsGenerated(t *testing.T) {
	want, err := setup.ManifestYAML()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../deploy/github-app.yml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("deploy/github-app.yml differs from pkg/setup's manifest: run `make manifest`")
	}
	var m setup.Manifest
	if err := yaml.Unmarshal(got, &m); err != nil {
		t.Fatalf("deploy/github-app.yml: %v", err)
	}
	if m.Public {
		t.Error("the app must not be public")
	}
}

// The manifest subscribes to exactly the events the handlers handle, less
// the ones GitHub delivers to every app anyway.
func TestManifestEventsAreTheHandledEvents(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	handled := map[string]bool{}
	for _, hd := range h.App.Handlers() {
		for _, ev := range hd.Handles() {
			handled[ev] = true
		}
	}
	declared := map[string]bool{}
	for _, ev := range setup.NewManifest("x", "", "").DefaultEvents {
		declared[ev] = true
	}
	for _, ev := range setup.AlwaysDelivered {
		if declared[ev] {
			t.Errorf("%s is delivered to every app; GitHub refuses it in default_events", ev)
		}
		declared[ev] = true
	}
	for ev := range handled {
		if !declared[ev] {
			t.Errorf("a handler handles %q, but the manifest does not subscribe to it", ev)
		}
	}
	for ev := range declared {
		if !handled[ev] {
			t.Errorf("the manifest subscribes to %q, but no handler handles it", ev)
		}
	}
}

// need is one permission at one level; "" means the operation needs none
// beyond the app's own identity.
type need struct{ perm, level string }

// requirement says what an operation needs: any one of the alternatives.
// onPR, when set, is used instead for an issue-number route whose number
// is a pull request (GitHub checks pull_requests for those).
type requirement struct {
	any  []need
	onPR []need
}

func r(n ...need) requirement { return requirement{any: n} }

var (
	none   = need{}
	issR   = need{"issues", "read"}
	issW   = need{"issues", "write"}
	prR    = need{"pull_requests", "read"}
	prW    = need{"pull_requests", "write"}
	contR  = need{"contents", "read"}
	membR  = need{"members", "read"}
	metaR  = need{"metadata", "read"}
	issOrP = func(iss, pr need) requirement { return requirement{any: []need{iss}, onPR: []need{pr}} }
)

// permissionOf maps each GitHub operation (operationId in GitHub's REST
// description) to the GitHub App permission its documentation lists under
// "Fine-grained access tokens" / "GitHub App" for the endpoint.
var permissionOf = map[string]requirement{
	// App JWT endpoints: no installation permission.
	"apps/get-authenticated":                     r(none),
	"apps/list-installations":                    r(none),
	"apps/get-installation":                      r(none),
	"apps/list-webhook-deliveries":               r(none),
	"apps/get-webhook-delivery":                  r(none),
	"apps/redeliver-webhook-delivery":            r(none),
	"apps/create-installation-access-token":      r(none),
	"apps/list-repos-accessible-to-installation": r(metaR),
	// Search returns what the token may see; no permission of its own.
	"search/issues-and-pull-requests": r(none),
	"users/get-by-username":           r(none),

	"repos/get": r(metaR),
	"repos/get-collaborator-permission-level": r(metaR),
	"repos/check-collaborator":                r(metaR),
	"repos/list-collaborators":                r(metaR),
	"repos/get-content":                       r(contR),
	"repos/list-commits":                      r(contR),
	"repos/get-commit":                        r(contR),

	"orgs/list-members":              r(membR),
	"orgs/check-membership-for-user": r(membR),
	"teams/list-members-in-org":      r(membR),
	"teams/list":                     r(membR),

	"issues/list-for-repo":              r(issR),
	"issues/create":                     r(issW),
	"issues/get":                        issOrP(issR, prR),
	"issues/update":                     issOrP(issW, prW),
	"issues/list-events-for-timeline":   issOrP(issR, prR),
	"issues/list-events":                issOrP(issR, prR),
	"issues/list-comments":              issOrP(issR, prR),
	"issues/create-comment":             issOrP(issW, prW),
	"issues/get-comment":                r(issR, prR),
	"issues/update-comment":             r(issW, prW),
	"issues/delete-comment":             r(issW, prW),
	"issues/add-labels":                 issOrP(issW, prW),
	"issues/set-labels":                 issOrP(issW, prW),
	"issues/remove-label":               issOrP(issW, prW),
	"issues/list-labels-on-issue":       issOrP(issR, prR),
	"issues/add-assignees":              issOrP(issW, prW),
	"issues/remove-assignees":           issOrP(issW, prW),
	"issues/check-user-can-be-assigned": r(issR, prR),
	"issues/create-label":               r(issW, prW),
	"issues/get-label":                  r(issR, prR),
	"issues/update-label":               r(issW, prW),

	"pulls/get":                        r(prR),
	"pulls/list":                       r(prR),
	"pulls/list-files":                 r(prR),
	"pulls/list-commits":               r(prR),
	"pulls/list-reviews":               r(prR),
	"pulls/list-review-comments":       r(prR),
	"pulls/list-requested-reviewers":   r(prR),
	"pulls/request-reviewers":          r(prW),
	"pulls/remove-requested-reviewers": r(prW),
}

var levelRank = map[string]int{"": 0, "read": 1, "write": 2}

func grants(perms map[string]string, n need) bool {
	return n.perm == "" || levelRank[perms[n.perm]] >= levelRank[n.level]
}

// The manifest's permissions cover every GitHub operation the bot makes in
// the demo's full programme, and nothing more: each permission it asks for
// is the only way to allow some operation the bot made.
func TestManifestPermissionsAreMinimal(t *testing.T) {
	var reqs []githubsim.Request
	isPR := map[string]bool{}
	err := demo.Run(context.Background(), io.Discard, demo.Options{Inspect: func(sim *githubsim.Server) {
		reqs = sim.Requests()
		for _, rq := range reqs {
			if owner, repo, n, ok := issueNumber(rq.Path); ok {
				if _, pr := sim.Pull(owner+"/"+repo, n); pr {
					isPR[rq.Path] = true
				}
			}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) == 0 {
		t.Fatal("the demo made no requests")
	}
	perms := setup.Permissions
	// needed[perm] is the highest level some operation needs perm at, with
	// no other granted permission allowing it.
	needed := map[string]string{"metadata": "read"} // GitHub makes metadata mandatory
	seen := map[string]bool{}
	for _, rq := range reqs {
		if rq.OperationID == "" {
			t.Errorf("%s %s matches no GitHub operation", rq.Method, rq.Path)
			continue
		}
		req, ok := permissionOf[rq.OperationID]
		if !ok {
			if !seen[rq.OperationID] {
				t.Errorf("operation %s (%s %s) is not in the permission table: add it with the permission GitHub's docs list", rq.OperationID, rq.Method, rq.Route)
			}
			seen[rq.OperationID] = true
			continue
		}
		alts := req.any
		if req.onPR != nil && isPR[strings.SplitN(rq.Path, "/labels/", 2)[0]] {
			alts = req.onPR
		}
		var granted []need
		for _, n := range alts {
			if grants(perms, n) {
				granted = append(granted, n)
			}
		}
		if len(granted) == 0 {
			t.Errorf("%s (%s %s) needs one of %v; the manifest grants none", rq.OperationID, rq.Method, rq.Path, alts)
			continue
		}
		if len(granted) == 1 && granted[0].perm != "" && levelRank[granted[0].level] > levelRank[needed[granted[0].perm]] {
			needed[granted[0].perm] = granted[0].level
		}
	}
	var extra []string
	for p, lvl := range perms {
		if needed[p] != lvl {
			extra = append(extra, p+": "+lvl+" (needed: "+strconv.Quote(needed[p])+")")
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("the manifest asks for more than the bot uses: %v", extra)
	}
}

// issueNumber extracts owner, repo and number from an issue-number path
// (/repos/O/R/issues/N or below it).
func issueNumber(path string) (string, string, int, bool) {
	parts := strings.Split(strings.TrimPrefix(path, "/repos/"), "/")
	if len(parts) < 4 || (parts[2] != "issues" && parts[2] != "pulls") {
		return "", "", 0, false
	}
	n, err := strconv.Atoi(parts[3])
	if err != nil {
		return "", "", 0, false
	}
	return parts[0], parts[1], n, true
}

// k8sDocs reads every Kubernetes object under deploy/kubernetes.
func k8sDocs(t *testing.T) []map[string]any {
	t.Helper()
	files, err := filepath.Glob("../../deploy/kubernetes/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests under deploy/kubernetes: %v", err)
	}
	var out []map[string]any
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var doc map[string]any
			if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if doc != nil {
				doc["_file"] = filepath.Base(f)
				out = append(out, doc)
			}
		}
	}
	return out
}

// dig walks nested maps and lists: a string key indexes a map, an int a list.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func list(v any) []any { l, _ := v.([]any); return l }

func str(v any) string { s, _ := v.(string); return s }

// podSpec returns the pod spec of a Deployment or CronJob.
func podSpec(doc map[string]any) map[string]any {
	switch doc["kind"] {
	case "Deployment":
		m, _ := dig(doc, "spec", "template", "spec").(map[string]any)
		return m
	case "CronJob":
		m, _ := dig(doc, "spec", "jobTemplate", "spec", "template", "spec").(map[string]any)
		return m
	}
	return nil
}

// The Kubernetes manifests run the binary with flags it accepts, mount
// every path they pass, probe endpoints the server serves, run the
// sweeps as CronJobs with the in-process schedule off, and their
// ConfigMap plus Secret make a configuration the server loads.
func TestKubernetesManifests(t *testing.T) {
	bin := buildMentorbot(t)
	docs := k8sDocs(t)
	kinds := map[string]int{}
	var cronArgs []string
	var configYAML string
	secretEnv := map[string]string{}
	for _, d := range docs {
		kind := str(d["kind"])
		kinds[kind]++
		switch kind {
		case "ConfigMap":
			configYAML = str(dig(d, "data", "config.yml"))
		case "Secret":
			for k, v := range dig(d, "stringData").(map[string]any) {
				secretEnv[k] = str(v)
			}
		}
		spec := podSpec(d)
		if spec == nil {
			continue
		}
		for _, c := range list(spec["containers"]) {
			var args []string
			for _, a := range list(dig(c, "args")) {
				args = append(args, str(a))
			}
			name := str(dig(d, "metadata", "name")) + "/" + str(dig(c, "name"))
			if len(args) == 0 {
				t.Errorf("%s: no args", name)
				continue
			}
			// The binary accepts the flags: the same args plus --help exit 0.
			cmd := exec.Command(bin, append(append([]string{}, args...), "--help")...)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s: mentorbot %s --help: %v\n%s", name, strings.Join(args, " "), err, out)
			}
			// Every absolute path is mounted.
			var mounts []string
			for _, m := range list(dig(c, "volumeMounts")) {
				mounts = append(mounts, str(dig(m, "mountPath")))
			}
			for _, a := range args {
				if !strings.HasPrefix(a, "/") {
					continue
				}
				ok := false
				for _, m := range mounts {
					if a == m || strings.HasPrefix(a, strings.TrimSuffix(m, "/")+"/") {
						ok = true
					}
				}
				if !ok {
					t.Errorf("%s: %s is not mounted (mounts %v)", name, a, mounts)
				}
			}
			if str(dig(c, "envFrom", 0, "secretRef", "name")) != "mentorbot" {
				t.Errorf("%s: does not take the app's secrets from the mentorbot Secret", name)
			}
			switch kind {
			case "Deployment":
				if args[0] != "serve" {
					t.Errorf("%s: runs %q, want serve", name, args[0])
				}
				if p := str(dig(c, "livenessProbe", "httpGet", "path")); p != "/healthz" {
					t.Errorf("%s: liveness probe on %q", name, p)
				}
				if p := str(dig(c, "readinessProbe", "httpGet", "path")); p != "/readyz" {
					t.Errorf("%s: readiness probe on %q", name, p)
				}
				if port, _ := dig(c, "ports", 0, "containerPort").(int); port != 8080 {
					t.Errorf("%s: container port %v, want the ConfigMap's server.port 8080", name, dig(c, "ports", 0, "containerPort"))
				}
			case "CronJob":
				cronArgs = append(cronArgs, args[0])
			}
			if dig(spec, "securityContext", "runAsNonRoot") != true {
				t.Errorf("%s: not runAsNonRoot", name)
			}
		}
	}
	for _, k := range []string{"Deployment", "Service", "ConfigMap", "Secret", "CronJob"} {
		if kinds[k] == 0 {
			t.Errorf("no %s under deploy/kubernetes", k)
		}
	}
	sort.Strings(cronArgs)
	if strings.Join(cronArgs, ",") != "digest,remind" {
		t.Errorf("CronJobs run %v, want digest and remind", cronArgs)
	}

	// ConfigMap + Secret load as the server's configuration, with the
	// in-process schedule off (the CronJobs run the sweeps).
	path := filepath.Join(t.TempDir(), "config.yml")
	if err := os.WriteFile(path, []byte(configYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range secretEnv {
		t.Setenv(k, v)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("ConfigMap config.yml with the Secret's environment: %v", err)
	}
	if cfg.Schedule.RemindEvery != 0 || cfg.Schedule.Digest {
		t.Errorf("with the CronJobs the in-process schedule must be off: %+v", cfg.Schedule)
	}
	if cfg.Server.Port != 8080 {
		t.Errorf("server.port %d", cfg.Server.Port)
	}

	// The probed paths answer on a running server.
	h := simbot.MustStart(t, simbot.Options{})
	for _, p := range []string{"/healthz", "/readyz"} {
		res, err := http.Get(h.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s answered %d", p, res.StatusCode)
		}
	}
}

// The Dockerfile is multi-stage, builds a static binary, runs as non-root,
// and its default command is one the binary accepts.
func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("../../deploy/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(data)
	if n := strings.Count(df, "\nFROM ") + map[bool]int{true: 1}[strings.HasPrefix(df, "FROM ")]; n < 2 {
		t.Errorf("Dockerfile has %d stages, want a multi-stage build", n)
	}
	// The image's binary is built by make build, with the version and
	// commit make docker passes, so it is stamped as bin/mentorbot is.
	for _, want := range []string{"ARG VERSION", "ARG COMMIT", `make build VERSION="$VERSION" COMMIT="$COMMIT"`, "USER nonroot", "ENTRYPOINT [\"/mentorbot\"]"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	makefile, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	docker := regexp.MustCompile(`(?m)^docker:.*\n\t(.*)$`).FindSubmatch(makefile)
	if docker == nil {
		t.Fatal("the Makefile has no docker target")
	}
	for _, want := range []string{"--build-arg VERSION=$(VERSION)", "--build-arg COMMIT=$(COMMIT)", "-f deploy/Dockerfile", "-t $(IMAGE):$(VERSION)"} {
		if !strings.Contains(string(docker[1]), want) {
			t.Errorf("make docker lacks %q: %s", want, docker[1])
		}
	}
	m := regexp.MustCompile(`(?m)^CMD (\[.*\])$`).FindStringSubmatch(df)
	if m == nil {
		t.Fatal("Dockerfile has no CMD in exec form")
	}
	var args []string
	if err := json.Unmarshal([]byte(m[1]), &args); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(buildMentorbot(t), append(args, "--help")...).CombinedOutput(); err != nil {
		t.Errorf("mentorbot %v --help: %v\n%s", args, err, out)
	}
}

// make build, which the Dockerfile runs, makes a static binary stamped with
// the VERSION and COMMIT it is given.
func TestMakeBuildStampsTheVersion(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not on PATH")
	}
	const version, commit = "v9.8.7-test", "c0ffee1"
	dry, err := exec.Command("make", "-s", "-n", "-C", "../..", "build", "VERSION="+version, "COMMIT="+commit).Output()
	if err != nil {
		t.Fatalf("make -n build: %v", err)
	}
	cmd := strings.TrimSpace(string(dry))
	if !strings.HasPrefix(cmd, "CGO_ENABLED=0 ") || !strings.Contains(cmd, " -o bin/mentorbot ") {
		t.Fatalf("make build runs %q: want a CGO_ENABLED=0 build into bin/mentorbot", cmd)
	}
	// The same command, into a temporary file instead of bin/.
	bin := filepath.Join(t.TempDir(), "mentorbot")
	build := exec.Command("sh", "-c", strings.Replace(cmd, " -o bin/mentorbot ", " -o "+bin+" ", 1))
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("mentorbot --version: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), version) {
		t.Errorf("mentorbot --version of a make build with VERSION=%s: %s", version, out)
	}
}

// buildMentorbot builds cmd/mentorbot for one test (the build cache makes
// the second build a link), or uses MENTORBOT_BIN.
func buildMentorbot(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("MENTORBOT_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "mentorbot")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/mentorbot").CombinedOutput(); err != nil {
		t.Fatalf("build mentorbot: %v\n%s", err, out)
	}
	return bin
}
