package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// memoryRequest reads the Deployment's memory request (e.g. "64Mi") in bytes.
func memoryRequest(t *testing.T) int64 {
	t.Helper()
	data, err := os.ReadFile("../../deploy/kubernetes/deployment.yml")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Spec struct {
			Template struct {
				Spec struct {
					Containers []struct {
						Resources struct {
							Requests struct {
								Memory string `yaml:"memory"`
							} `yaml:"requests"`
						} `yaml:"resources"`
					} `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	if err := yaml.Unmarshal(data, &d); err != nil || len(d.Spec.Template.Spec.Containers) == 0 {
		t.Fatalf("deployment.yml: %v", err)
	}
	q := d.Spec.Template.Spec.Containers[0].Resources.Requests.Memory
	n, err := strconv.ParseInt(strings.TrimSuffix(q, "Mi"), 10, 64)
	if err != nil || !strings.HasSuffix(q, "Mi") {
		t.Fatalf("memory request %q is not in Mi", q)
	}
	return n << 20
}

// peakRSS is VmHWM of process pid, in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc to read peak memory from: %v", err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "VmHWM:" && f[2] == "kB" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}

// zeros is an endless body that costs the sender no memory.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}

// 48 clients post 26 MB bodies with a signature that does not match, half
// with a Content-Length under the limit and half chunked, to the real
// `mentorbot serve`. Its peak memory stays under the Deployment's memory
// request, and a signed delivery sent during the flood is handled.
func TestUnsignedFloodStaysUnderMemoryRequest(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 1.2 GB through loopback")
	}
	limit := memoryRequest(t)
	sim := githubsim.NewTest(t, githubsim.Options{})
	mtSeed(t, &simbot.Bot{Sim: sim})
	// The binary runs on the real clock: keep alice's term open.
	sim.PutFile("thanos-io/.github", "mentorbot.yml", strings.ReplaceAll(mtPolicy, "end: 2026-11-30", "end: 2099-11-30"))
	const repo = "thanos-io/objstore"
	pr := sim.AddPull(repo, githubsim.Pull{Issue: githubsim.Issue{Title: "mentee work during a flood", User: "alice"}})
	p := startServe(t, sim, "")
	hook := p.url + "/api/github/hook"
	before := peakRSS(t, p.cmd.Process.Pid)

	const clients, size = 48, 26_000_000
	forged := "sha256=" + strings.Repeat("ab", 32)
	var wg sync.WaitGroup
	var refused, accepted, broken atomic.Int32
	client := &http.Client{Timeout: 90 * time.Second}
	for i := range clients {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodPost, hook, io.LimitReader(zeros{}, size))
			if err != nil {
				t.Error(err)
				return
			}
			if i%2 == 0 {
				req.ContentLength = size
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-GitHub-Event", "pull_request")
			req.Header.Set("X-GitHub-Delivery", simbot.NextDeliveryID())
			req.Header.Set("X-Hub-Signature-256", forged)
			res, err := client.Do(req)
			if err != nil {
				// The server may answer and close before the body is sent.
				broken.Add(1)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
			if res.StatusCode/100 == 2 {
				accepted.Add(1)
			} else {
				refused.Add(1)
			}
		})
	}

	// A real delivery in the middle of the flood.
	time.Sleep(300 * time.Millisecond)
	req, err := simbot.NewDelivery(hook, simbot.Secret, "pull_request", simbot.NextDeliveryID(), sim.PullRequestEvent("opened", repo, pr, "alice"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("signed delivery during the flood: status %d, want 200", res.StatusCode)
	}
	wg.Wait()
	deadline := time.Now().Add(20 * time.Second)
	for labelPosts(sim, repo, pr) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := labelPosts(sim, repo, pr); got != 1 {
		t.Errorf("the signed delivery's PR was labelled %d times, want 1; logs:\n%s", got, p.logs.Tail(20))
	}
	if accepted.Load() != 0 {
		t.Errorf("%d forged bodies were accepted", accepted.Load())
	}
	peak := peakRSS(t, p.cmd.Process.Pid)
	t.Logf("peak RSS %.1f MiB (%.1f MiB before the flood), memory request %d MiB; forged bodies: %d refused, %d cut off",
		float64(peak)/(1<<20), float64(before)/(1<<20), limit>>20, refused.Load(), broken.Load())
	if peak >= limit {
		t.Errorf("peak RSS %d MiB is not under the Deployment's memory request of %d MiB", peak>>20, limit>>20)
	}
	m, err := metricsOf(p.url)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m, `mentorbot_webhook_rejected_total{reason="invalid"}`) {
		t.Errorf("forged bodies not metered as invalid:\n%s", grepLines(m, "rejected"))
	}
}

// metricsOf returns the /metrics text of the bot at url.
func metricsOf(url string) (string, error) {
	res, err := http.Get(url + "/metrics")
	if err != nil {
		return "", err
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	return string(b), err
}
