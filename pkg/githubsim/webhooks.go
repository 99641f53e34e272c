package githubsim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// hookConfig is the app's webhook.
type hookConfig struct {
	url, secret string
}

// hookID is the ID GitHub gives the app's webhook.
const hookID = 424242

// Delivery is one webhook delivery attempt.
type Delivery struct {
	ID             int64
	GUID           string
	Event, Action  string
	InstallationID int64
	RepositoryID   int64
	Redelivery     bool
	DeliveredAt    time.Time
	StatusCode     int // 0 when the request failed before a response
	Response       []byte
}

type delivery struct {
	Delivery
	duration    time.Duration
	reqHeaders  http.Header
	payload     []byte
	respHeaders http.Header
}

// SetWebhook sets the app's webhook URL and secret (the secret signs
// deliveries and is returned by manifest conversions).
func (s *Server) SetWebhook(url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = hookConfig{url: url, secret: secret}
}

// Deliver sends a webhook to the app's URL as GitHub does and records the
// attempt (listed by GET /app/hook/deliveries). The error is about the
// transport; a non-2xx answer is not an error, see Delivery.StatusCode.
func (s *Server) Deliver(ctx context.Context, event string, payload []byte) (Delivery, error) {
	return s.send(ctx, newGUID(), event, payload, false)
}

// Deliveries returns every delivery attempt, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Delivery, 0, len(s.deliveries))
	for _, d := range s.deliveries {
		dd := d.Delivery
		dd.Response = append([]byte(nil), d.Response...)
		out = append(out, dd)
	}
	return out
}

// Redeliver sends delivery id again: same body and GUID, redelivery true.
func (s *Server) Redeliver(ctx context.Context, id int64) (Delivery, error) {
	s.mu.Lock()
	d := s.delivery(id)
	s.mu.Unlock()
	if d == nil {
		return Delivery{}, fmt.Errorf("redeliver %d: no such delivery", id)
	}
	return s.send(ctx, d.GUID, d.Event, d.payload, true)
}

func (s *Server) delivery(id int64) *delivery {
	for _, d := range s.deliveries {
		if d.ID == id {
			return d
		}
	}
	return nil
}

// newGUID returns a random (version 4) UUID, as X-GitHub-Delivery carries.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func sign(secret string, body []byte) (sha1Sig, sha256Sig string) {
	m1 := hmac.New(sha1.New, []byte(secret))
	m1.Write(body)
	m256 := hmac.New(sha256.New, []byte(secret))
	m256.Write(body)
	return "sha1=" + hex.EncodeToString(m1.Sum(nil)), "sha256=" + hex.EncodeToString(m256.Sum(nil))
}

func (s *Server) send(ctx context.Context, guid, event string, payload []byte, redelivery bool) (Delivery, error) {
	s.mu.Lock()
	hook := s.hook
	s.mu.Unlock()
	if hook.url == "" {
		return Delivery{}, fmt.Errorf("deliver %s: no webhook URL: call SetWebhook first", event)
	}

	var meta struct {
		Action       string `json:"action"`
		Installation struct {
			ID int64 `json:"id"`
		} `json:"installation"`
		Repository struct {
			ID int64 `json:"id"`
		} `json:"repository"`
	}
	_ = json.Unmarshal(payload, &meta) // A payload without these fields is still delivered.

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.url, bytes.NewReader(payload))
	if err != nil {
		return Delivery{}, fmt.Errorf("deliver %s: %w", event, err)
	}
	sig1, sig256 := sign(hook.secret, payload)
	// Header names are set verbatim to keep GitHub's spelling (X-GitHub-...)
	// on the wire and in the recorded deliveries.
	hdr := map[string]string{
		"Accept":                                 "*/*",
		"Content-Type":                           "application/json",
		"User-Agent":                             "GitHub-Hookshot/5f4ad46",
		"X-GitHub-Delivery":                      guid,
		"X-GitHub-Event":                         event,
		"X-GitHub-Hook-ID":                       strconv.Itoa(hookID),
		"X-GitHub-Hook-Installation-Target-ID":   strconv.FormatInt(s.opts.AppID, 10),
		"X-GitHub-Hook-Installation-Target-Type": "integration",
	}
	if hook.secret != "" {
		hdr["X-Hub-Signature"] = sig1
		hdr["X-Hub-Signature-256"] = sig256
	}
	for k, v := range hdr {
		req.Header[k] = []string{v}
	}

	start := time.Now()
	resp, sendErr := http.DefaultClient.Do(req)
	var status int
	var respBody []byte
	var respHeaders http.Header
	if sendErr == nil {
		respBody, _ = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
		status, respHeaders = resp.StatusCode, resp.Header
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextDeliver++
	d := &delivery{
		Delivery: Delivery{
			ID:             s.nextDeliver,
			GUID:           guid,
			Event:          event,
			Action:         meta.Action,
			InstallationID: meta.Installation.ID,
			RepositoryID:   meta.Repository.ID,
			Redelivery:     redelivery,
			DeliveredAt:    s.now(),
			StatusCode:     status,
			Response:       respBody,
		},
		duration:    time.Since(start),
		reqHeaders:  req.Header.Clone(),
		payload:     append([]byte(nil), payload...),
		respHeaders: respHeaders,
	}
	s.deliveries = append(s.deliveries, d)
	out := d.Delivery
	out.Response = append([]byte(nil), respBody...)
	if sendErr != nil {
		return out, fmt.Errorf("deliver %s %s: %w", event, guid, sendErr)
	}
	return out, nil
}

func flatHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[k] = strings.Join(v, ", ")
	}
	return out
}

func (s *Server) deliveryJSON(d *delivery, full bool) *github.HookDelivery {
	statusText := "OK"
	switch {
	case d.StatusCode == 0:
		statusText = "Invalid HTTP Response: connection failed"
	case d.StatusCode >= 300:
		statusText = fmt.Sprintf("Invalid HTTP Response: %d", d.StatusCode)
	}
	out := &github.HookDelivery{
		ID:             github.Int64(d.ID),
		GUID:           github.String(d.GUID),
		DeliveredAt:    ts(d.DeliveredAt),
		Redelivery:     github.Bool(d.Redelivery),
		Duration:       ptr(d.duration.Seconds()),
		Status:         github.String(statusText),
		StatusCode:     github.Int(d.StatusCode),
		Event:          github.String(d.Event),
		InstallationID: github.Int64(d.InstallationID),
		RepositoryID:   github.Int64(d.RepositoryID),
	}
	if d.Action != "" {
		out.Action = github.String(d.Action)
	}
	if full {
		payload := json.RawMessage(d.payload)
		respStr, _ := json.Marshal(string(d.Response))
		resp := json.RawMessage(respStr)
		out.Request = &github.HookRequest{Headers: flatHeaders(d.reqHeaders), RawPayload: &payload}
		out.Response = &github.HookResponse{Headers: flatHeaders(d.respHeaders), RawPayload: &resp}
	}
	return out
}

// listDeliveries is GET /app/hook/deliveries: newest first, with cursor
// pagination (the cursor names the last delivery ID already seen).
func (s *Server) listDeliveries(c *call) reply {
	perPage, _ := pageParams(c)
	statusFilter, rp := enumParam(c, "status", "", "success", "failure")
	if rp != nil {
		return *rp
	}
	var before int64 = -1
	if cur := c.query.Get("cursor"); cur != "" {
		n, err := strconv.ParseInt(strings.TrimPrefix(cur, "v1_"), 10, 64)
		if err != nil || !strings.HasPrefix(cur, "v1_") {
			rp := validationFailed("Invalid cursor")
			rp.violation = fmt.Sprintf("cursor %q was not given by the server", cur)
			return rp
		}
		before = n
	}
	var all []*delivery
	for i := len(s.deliveries) - 1; i >= 0; i-- {
		d := s.deliveries[i]
		if before >= 0 && d.ID >= before {
			continue
		}
		okStatus := d.StatusCode >= 200 && d.StatusCode < 300
		if (statusFilter == "success" && !okStatus) || (statusFilter == "failure" && okStatus) {
			continue
		}
		all = append(all, d)
	}
	page := all
	if len(page) > perPage {
		page = page[:perPage]
		q := url.Values{}
		for k, v := range c.query {
			q[k] = v
		}
		q.Set("per_page", strconv.Itoa(perPage))
		q.Set("cursor", fmt.Sprintf("v1_%d", page[len(page)-1].ID))
		c.link = fmt.Sprintf("<%s%s?%s>; rel=\"next\"", s.url, c.r.URL.EscapedPath(), q.Encode())
	}
	out := []*github.HookDelivery{}
	for _, d := range page {
		out = append(out, s.deliveryJSON(d, false))
	}
	return ok(out)
}

func (s *Server) getDelivery(c *call) reply {
	id, rp := c.int64Param("delivery_id")
	if rp != nil {
		return *rp
	}
	d := s.delivery(id)
	if d == nil {
		return notFound()
	}
	return ok(s.deliveryJSON(d, true))
}

// redeliver is POST /app/hook/deliveries/{id}/attempts. It runs without the
// server's lock: the redelivered webhook's handler may call the API.
func (s *Server) redeliver(c *call) reply {
	id, rp := c.int64Param("delivery_id")
	if rp != nil {
		return *rp
	}
	s.mu.Lock()
	found := s.delivery(id) != nil
	s.mu.Unlock()
	if !found {
		return notFound()
	}
	// GitHub answers 202 and redelivers in the background; redelivering
	// before answering keeps tests deterministic.
	_, _ = s.Redeliver(c.r.Context(), id) // A failed attempt is recorded like any other.
	return reply{status: http.StatusAccepted, body: map[string]any{}}
}

// Event payloads.

func (s *Server) installationRef(r *repo) *github.Installation {
	inst := s.installationFor(r)
	if inst == nil {
		return nil
	}
	return &github.Installation{ID: github.Int64(inst.id), NodeID: github.String(nodeID("MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u", inst.id))}
}

func (s *Server) orgRef(r *repo) *github.Organization {
	o := s.st.orgs[strings.ToLower(r.owner)]
	if o == nil {
		return nil
	}
	u := s.userJSON(o.login)
	return &github.Organization{Login: u.Login, ID: u.ID, NodeID: u.NodeID, URL: github.String(s.apiURL("/orgs/%s", o.login)), AvatarURL: u.AvatarURL}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("githubsim: encode event: %v", err))
	}
	return b
}

// PullRequestEvent builds a pull_request webhook payload from the current
// state of repoName#number.
func (s *Server) PullRequestEvent(action, repoName string, number int, sender string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(repoName)
	is := s.mustPull(r, number)
	return mustJSON(&github.PullRequestEvent{
		Action:       github.String(action),
		Number:       github.Int(number),
		PullRequest:  s.pullJSON(r, is, true),
		Repo:         s.repoJSON(r),
		Organization: s.orgRef(r),
		Sender:       s.userJSON(sender),
		Installation: s.installationRef(r),
	})
}

// IssuesEvent builds an issues webhook payload; label is the label of a
// labeled/unlabeled action ("" for none).
func (s *Server) IssuesEvent(action, repoName string, number int, sender, label string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(repoName)
	is := s.mustIssue(r, number)
	ev := &github.IssuesEvent{
		Action:       github.String(action),
		Issue:        s.issueJSON(r, is),
		Repo:         s.repoJSON(r),
		Sender:       s.userJSON(sender),
		Installation: s.installationRef(r),
	}
	if label != "" {
		ev.Label = s.labelJSON(r, label)
		if ev.Label == nil {
			ev.Label = &github.Label{Name: github.String(label), Color: github.String(DefaultLabelColor)}
		}
	}
	return mustJSON(ev)
}

// IssueCommentEvent builds an issue_comment webhook payload; the sender is
// the comment's author.
func (s *Server) IssueCommentEvent(action, repoName string, number int, commentID int64) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(repoName)
	is := s.mustIssue(r, number)
	var cm *commentRec
	for _, c := range r.comments {
		if c.ID == commentID {
			cm = c
		}
	}
	if cm == nil {
		panic(fmt.Sprintf("githubsim: no comment %d in %s", commentID, repoName))
	}
	return mustJSON(&github.IssueCommentEvent{
		Action:       github.String(action),
		Issue:        s.issueJSON(r, is),
		Comment:      s.commentJSON(r, cm),
		Repo:         s.repoJSON(r),
		Organization: s.orgRef(r),
		Sender:       s.userJSON(cm.User),
		Installation: s.installationRef(r),
	})
}

// PullRequestReviewEvent builds a pull_request_review webhook payload; the
// sender is the reviewer.
func (s *Server) PullRequestReviewEvent(action, repoName string, number int, reviewID int64) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(repoName)
	is := s.mustPull(r, number)
	for _, rv := range is.Reviews {
		if rv.ID == reviewID {
			return mustJSON(&github.PullRequestReviewEvent{
				Action:       github.String(action),
				Review:       s.reviewJSON(r, is, rv),
				PullRequest:  s.pullJSON(r, is, false),
				Repo:         s.repoJSON(r),
				Organization: s.orgRef(r),
				Sender:       s.userJSON(rv.User),
				Installation: s.installationRef(r),
			})
		}
	}
	panic(fmt.Sprintf("githubsim: no review %d on %s#%d", reviewID, repoName, number))
}

// InstallationEvent builds an installation webhook payload (e.g. "created")
// for installation id, sent by the account that installed it.
func (s *Server) InstallationEvent(action string, id int64, sender string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	inst := s.st.installations[id]
	if inst == nil {
		panic(fmt.Sprintf("githubsim: no installation %d", id))
	}
	var repos []*github.Repository
	for _, r := range s.installationRepos(inst) {
		repos = append(repos, &github.Repository{ID: github.Int64(r.id), NodeID: github.String(nodeID("R", r.id)), Name: github.String(r.name), FullName: github.String(r.fullName()), Private: github.Bool(r.private)})
	}
	sort.Slice(repos, func(i, j int) bool { return repos[i].GetID() < repos[j].GetID() })
	return mustJSON(&github.InstallationEvent{
		Action:       github.String(action),
		Repositories: repos,
		Sender:       s.userJSON(sender),
		Installation: s.installationJSON(inst),
	})
}
