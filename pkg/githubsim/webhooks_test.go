package githubsim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/githubapp"
)

// receiver records what a webhook endpoint got after validating it.
type receiver struct {
	mu      sync.Mutex
	secret  string
	got     []http.Header
	bodies  [][]byte
	onEvent func()
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := github.ValidatePayload(r, []byte(rc.secret))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if rc.onEvent != nil {
		rc.onEvent()
	}
	rc.mu.Lock()
	rc.got = append(rc.got, r.Header.Clone())
	rc.bodies = append(rc.bodies, body)
	rc.mu.Unlock()
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("ok"))
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestWebhookDelivery(t *testing.T) {
	s := fixture(t, Options{})
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)
	rc := &receiver{secret: "s3cret"}
	// The handler calls the API, as the bot does, also during redelivery.
	rc.onEvent = func() {
		if _, _, err := gh.Repositories.Get(ctx, "thanos-io", "thanos"); err != nil {
			t.Errorf("API call from the webhook handler: %v", err)
		}
	}
	hook := httptest.NewServer(rc)
	defer hook.Close()
	s.SetWebhook(hook.URL, "s3cret")

	n := s.AddPull(thanos, Pull{Issue: Issue{Title: "feat", User: "alice"}})
	payload := s.PullRequestEvent("opened", thanos, n, "alice")
	d, err := s.Deliver(ctx, "pull_request", payload)
	if err != nil {
		t.Fatal(err)
	}
	if d.StatusCode != 200 || d.Action != "opened" || d.InstallationID != instThanos || !uuidRE.MatchString(d.GUID) {
		t.Errorf("delivery = %+v", d)
	}
	if len(rc.got) != 1 {
		t.Fatalf("received %d deliveries", len(rc.got))
	}
	h := rc.got[0]
	for k, want := range map[string]string{
		"X-Github-Event":                         "pull_request",
		"X-Github-Delivery":                      d.GUID,
		"X-Github-Hook-Installation-Target-Type": "integration",
		"X-Github-Hook-Installation-Target-Id":   "77",
		"Content-Type":                           "application/json",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if h.Get("X-Hub-Signature") == "" || h.Get("X-Github-Hook-Id") == "" || !regexp.MustCompile(`^GitHub-Hookshot/`).MatchString(h.Get("User-Agent")) {
		t.Errorf("headers = %v", h)
	}
	var ev github.PullRequestEvent
	if err := json.Unmarshal(rc.bodies[0], &ev); err != nil {
		t.Fatal(err)
	}
	if ev.GetPullRequest().GetNumber() != n || ev.GetInstallation().GetID() != instThanos || ev.GetRepo().GetFullName() != thanos || ev.GetSender().GetLogin() != "alice" || ev.GetPullRequest().GetAuthorAssociation() != AssocFirstTimeContributor {
		t.Errorf("event = %+v", ev)
	}
	if githubapp.GetInstallationIDFromEvent(&ev) != instThanos {
		t.Errorf("go-githubapp does not find the installation")
	}

	// A wrong secret is refused by the receiver, and recorded as a failure.
	s.SetWebhook(hook.URL, "wrong")
	bad, err := s.Deliver(ctx, "issues", s.IssuesEvent("labeled", thanos, n, "maintainer1", "mentee"))
	if err != nil || bad.StatusCode != 400 {
		t.Errorf("bad signature delivery = %+v, %v", bad, err)
	}
	s.SetWebhook(hook.URL, "s3cret")

	// The app lists deliveries (newest first, cursor paginated) and
	// redelivers one: same body and GUID, redelivery true.
	app := appClient(t, s)
	list, resp, err := app.Apps.ListHookDeliveries(ctx, &github.ListCursorOptions{PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].GetID() != bad.ID || resp.Cursor == "" {
		t.Fatalf("first page = %v, cursor %q", list, resp.Cursor)
	}
	list, resp, err = app.Apps.ListHookDeliveries(ctx, &github.ListCursorOptions{PerPage: 1, Cursor: resp.Cursor})
	if err != nil || len(list) != 1 || list[0].GetGUID() != d.GUID || resp.Cursor != "" {
		t.Fatalf("second page = %v, cursor %q, %v", list, resp.Cursor, err)
	}
	full, _, err := app.Apps.GetHookDelivery(ctx, d.ID)
	if err != nil || full.GetRequest().Headers["X-GitHub-Event"] != "pull_request" {
		t.Errorf("get delivery = %v, %v", full, err)
	}
	_, _, err = app.Apps.RedeliverHookDelivery(ctx, d.ID)
	var accepted *github.AcceptedError
	if !errors.As(err, &accepted) {
		t.Fatalf("redeliver: %v, want 202 Accepted", err)
	}
	all := s.Deliveries()
	last := all[len(all)-1]
	if len(all) != 3 || !last.Redelivery || last.GUID != d.GUID || last.StatusCode != 200 {
		t.Errorf("deliveries = %+v", all)
	}
	if string(rc.bodies[len(rc.bodies)-1]) != string(payload) {
		t.Errorf("redelivered body differs")
	}
	if _, _, err := app.Apps.RedeliverHookDelivery(ctx, 9999); statusOf(err) != 404 {
		t.Errorf("redeliver unknown: %v", err)
	}
}

func TestEventPayloads(t *testing.T) {
	s := fixture(t, Options{})
	n := s.AddIssue(thanos, Issue{Title: "task", User: "maintainer1"})
	cid := s.AddComment(thanos, n, "maintainer1", "/mentee-task @alice", t0)
	var ic github.IssueCommentEvent
	if err := json.Unmarshal(s.IssueCommentEvent("created", thanos, n, cid), &ic); err != nil {
		t.Fatal(err)
	}
	if ic.GetComment().GetBody() != "/mentee-task @alice" || ic.GetSender().GetLogin() != "maintainer1" || ic.GetComment().GetAuthorAssociation() != AssocMember || ic.GetInstallation().GetID() != instThanos || ic.GetIssue().IsPullRequest() {
		t.Errorf("issue_comment = %+v", ic)
	}
	var ie github.IssuesEvent
	if err := json.Unmarshal(s.IssuesEvent("labeled", thanos, n, "maintainer1", "bug"), &ie); err != nil {
		t.Fatal(err)
	}
	if ie.GetLabel().GetName() != "bug" || ie.GetAction() != "labeled" {
		t.Errorf("issues = %+v", ie)
	}
	p := s.AddPull(thanos, Pull{Issue: Issue{Title: "x", User: "alice"}})
	rv := s.AddReview(thanos, p, Review{User: "maintainer2", State: "APPROVED"})
	var pre github.PullRequestReviewEvent
	if err := json.Unmarshal(s.PullRequestReviewEvent("submitted", thanos, p, rv), &pre); err != nil {
		t.Fatal(err)
	}
	if pre.GetReview().GetState() != "APPROVED" || pre.GetSender().GetLogin() != "maintainer2" || pre.GetPullRequest().GetNumber() != p {
		t.Errorf("pull_request_review = %+v", pre)
	}
	var inst github.InstallationEvent
	if err := json.Unmarshal(s.InstallationEvent("created", instThanos, "maintainer1"), &inst); err != nil {
		t.Fatal(err)
	}
	if inst.GetInstallation().GetID() != instThanos || len(inst.Repositories) != 1 {
		t.Errorf("installation = %+v", inst)
	}
}
