package githubsim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"
	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/githubapp"
)

// testKey is generated once: a 2048-bit key takes long enough to matter.
var testKey []byte

func TestMain(m *testing.M) {
	key, err := GenerateKey()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testKey = key
	os.Exit(m.Run())
}

const (
	thanos     = "thanos-io/thanos"
	instThanos = int64(11)
)

// fixture is a small thanos-io world: an org with a maintainer team, a repo
// with a collaborator and a contributing guide, and the app installed.
func fixture(t *testing.T, opts Options) *Server {
	t.Helper()
	opts.PrivateKey = testKey
	if opts.AppID == 0 {
		opts.AppID = 77
	}
	s := NewTest(t, opts)
	seed(s)
	return s
}

func seed(s *Server) {
	s.AddOrg("thanos-io", "maintainer1", "maintainer2")
	s.AddTeam("thanos-io", "maintainers", "maintainer1", "maintainer2")
	s.AddRepo(thanos, RepoOptions{
		Collaborators: map[string]string{"triager": PermTriage, "writer": PermWrite},
		Files: map[string]string{
			"CONTRIBUTING.md":       "# Contributing\n",
			".github/mentorbot.yml": "program:\n  name: LFX\n",
			"docs/a.md":             "a",
			"docs/sub/b.md":         "b",
		},
		Labels: []Label{{Name: "bug", Color: "d73a4a"}},
	})
	s.AddInstallation(instThanos, "thanos-io")
}

func installationClient(t *testing.T, s *Server, id int64) *github.Client {
	t.Helper()
	cc := githubapp.NewClientCreator(s.URL(), s.URL()+"graphql", s.AppID(), s.PrivateKey())
	c, err := cc.NewInstallationClient(id)
	if err != nil {
		t.Fatalf("installation client: %v", err)
	}
	return c
}

func appClient(t *testing.T, s *Server) *github.Client {
	t.Helper()
	cc := githubapp.NewClientCreator(s.URL(), s.URL()+"graphql", s.AppID(), s.PrivateKey())
	c, err := cc.NewAppClient()
	if err != nil {
		t.Fatalf("app client: %v", err)
	}
	return c
}

func statusOf(err error) int {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	var rl *github.RateLimitError
	if errors.As(err, &rl) && rl.Response != nil {
		return rl.Response.StatusCode
	}
	var ab *github.AbuseRateLimitError
	if errors.As(err, &ab) && ab.Response != nil {
		return ab.Response.StatusCode
	}
	return 0
}

func TestEndToEndBasics(t *testing.T) {
	s := fixture(t, Options{})
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)

	repo, _, err := gh.Repositories.Get(ctx, "thanos-io", "thanos")
	if err != nil {
		t.Fatalf("get repo: %v", err)
	}
	if repo.GetDefaultBranch() != "main" || repo.GetOwner().GetType() != "Organization" {
		t.Errorf("repo = %+v", repo)
	}

	n := s.AddIssue(thanos, Issue{Title: "Flaky test", Body: "it flakes", User: "alice"})
	is, _, err := gh.Issues.Get(ctx, "thanos-io", "thanos", n)
	if err != nil {
		t.Fatalf("get issue: %v", err)
	}
	if is.GetTitle() != "Flaky test" || is.GetUser().GetLogin() != "alice" || is.GetAuthorAssociation() != AssocNone {
		t.Errorf("issue = %v %v %v", is.GetTitle(), is.GetUser().GetLogin(), is.GetAuthorAssociation())
	}

	c, _, err := gh.Issues.CreateComment(ctx, "thanos-io", "thanos", n, &github.IssueComment{Body: github.String("hello")})
	if err != nil {
		t.Fatalf("create comment: %v", err)
	}
	if c.GetUser().GetLogin() != "mentorbot[bot]" || c.GetUser().GetType() != "Bot" {
		t.Errorf("comment user = %v", c.GetUser())
	}
	if got := s.Comments(thanos, n); len(got) != 1 || got[0].Body != "hello" {
		t.Errorf("comments = %+v", got)
	}
	if rs := s.Requests(); len(rs) == 0 || rs[len(rs)-1].InstallationID != instThanos || rs[len(rs)-1].Route != "/repos/{owner}/{repo}/issues/{issue_number}/comments" {
		t.Errorf("last request = %+v", rs[len(rs)-1])
	}
}

// mintJWT signs an app JWT with key.
func mintJWT(t *testing.T, key []byte, iss string, iat, exp time.Time) string {
	t.Helper()
	k, err := jwt.ParseRSAPrivateKeyFromPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"iss": iss, "iat": iat.Unix(), "exp": exp.Unix()}).SignedString(k)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// instToken gets an installation token the way ghinstallation does.
func instToken(t *testing.T, s *Server, inst int64) string {
	t.Helper()
	now := time.Now()
	jwtTok := mintJWT(t, s.PrivateKey(), fmt.Sprint(s.AppID()), now.Add(-30*time.Second), now.Add(2*time.Minute))
	resp, body := do(t, s, "POST", fmt.Sprintf("/app/installations/%d/access_tokens", inst), "Bearer "+jwtTok, "null", nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("access token: %d %s", resp.StatusCode, body)
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	return out.Token
}

// do sends a raw request and returns the response with its body read.
func do(t *testing.T, s *Server, method, path, auth, body string, hdr http.Header) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func readAll(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }
