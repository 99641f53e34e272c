package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/learnings"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// Two replicas each handle one `/meetup present` at the same moment,
// against a GitHub that interleaves their requests: both read the agenda
// before either writes it, so the second write would undo the first. Both
// talks must stay on the agenda (writeonce.MergeIssueBody applies a change
// again when a concurrent edit undid it), and each mentee gets one reply.
func TestMeetupPresentOnTwoReplicasAtOnce(t *testing.T) {
	now := learnAt(time.November, 9, 10)
	sim := githubsim.NewTest(t, githubsim.Options{Now: func() time.Time { return now }, Latency: githubsim.Latency{Interleave: 50 * time.Millisecond, After: 20 * time.Millisecond}})
	seedLearnOrg(t, sim)
	path, _ := writeConfig(t, sim, "")
	if out, err := runCLI(t, "digest", "--config", path, "--now="+now.Format(time.RFC3339)); err != nil {
		t.Fatalf("digest: %v\n%s", err, out)
	}
	plans := markedIssues(sim, learnings.MeetupMarkerKind)
	if len(plans) != 1 {
		t.Fatalf("planning issues %v, want one", plans)
	}
	planning := plans[0]
	cfg, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	replica := func() *serveProcess {
		p := filepath.Join(t.TempDir(), "config.yml")
		port := freePort(t)
		body := regexp.MustCompile(`(?m)^  port: \d+$`).ReplaceAllString(string(cfg), fmt.Sprintf("  port: %d", port))
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return startServeConfig(t, p, port)
	}
	replicas := []*serveProcess{replica(), replica()}

	type present struct {
		login, title string
		id           int64
	}
	talks := []present{{login: "alice", title: "Sharding queries"}, {login: "bob", title: "Reviewing PRs"}}
	for i := range talks {
		talks[i].id = sim.AddComment("org/mentorship", planning, talks[i].login, "/meetup present "+talks[i].title, now)
	}
	var wg sync.WaitGroup
	for i, tk := range talks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := sim.IssueCommentEvent("created", "org/mentorship", planning, tk.id)
			req, err := simbot.NewDelivery(replicas[i].url+"/api/github/hook", simbot.Secret, "issue_comment", simbot.NextDeliveryID(), body)
			if err != nil {
				t.Error(err)
				return
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_ = res.Body.Close()
		}()
	}
	wg.Wait()
	deadline := time.Now().Add(30 * time.Second)
	for {
		replies := 0
		for _, tk := range talks {
			replies += markedComments(sim, planning, "command-reply", fmt.Sprint(tk.id))
		}
		if replies >= len(talks) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	is, _ := sim.Issue("org/mentorship", planning)
	a, err := learnings.ReadAgenda(is.Body)
	if err != nil {
		t.Fatalf("read agenda: %v", err)
	}
	var got []string
	for _, tk := range a.Talks {
		got = append(got, tk.Login)
	}
	if len(a.Talks) != 2 {
		t.Errorf("agenda after two presents at once: %v, want alice and bob; logs:\n%s\n%s", got, replicas[0].logs.Tail(15), replicas[1].logs.Tail(15))
	}
	for _, tk := range talks {
		if n := markedComments(sim, planning, "command-reply", fmt.Sprint(tk.id)); n != 1 {
			t.Errorf("%s got %d replies, want 1", tk.login, n)
		}
		if !strings.Contains(is.Body, tk.title) {
			t.Errorf("the agenda lacks %q:\n%s", tk.title, is.Body)
		}
	}
}
