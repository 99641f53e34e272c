package welcome

import (
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

func TestEligible(t *testing.T) {
	on := policy.Welcome{Enabled: true, Scope: "repo"}
	withIssues := on
	withIssues.Issues = true
	pr := func(assoc string) Item {
		return Item{Owner: "o", Repo: "r", Number: 1, PullRequest: true, Author: "newbie", Association: assoc}
	}
	issue := pr(AssocFirstTimeContributor)
	issue.PullRequest = false
	bot := pr(AssocFirstTimer)
	bot.AuthorIsBot = true
	botLogin := pr(AssocFirstTimer)
	botLogin.Author = "renovate[bot]"
	noAuthor := pr(AssocFirstTimer)
	noAuthor.Author = ""

	for _, tc := range []struct {
		name string
		w    policy.Welcome
		it   Item
		want Reason
	}{
		{"first time contributor", on, pr(AssocFirstTimeContributor), ""},
		{"first timer", on, pr(AssocFirstTimer), ""},
		{"association case-insensitive", on, pr("first_timer"), ""},
		{"contributor", on, pr("CONTRIBUTOR"), ReasonAssociation},
		{"member", on, pr("MEMBER"), ReasonAssociation},
		{"owner", on, pr("OWNER"), ReasonAssociation},
		{"collaborator", on, pr("COLLABORATOR"), ReasonAssociation},
		{"none", on, pr("NONE"), ReasonAssociation},
		{"missing association", on, pr(""), ReasonAssociation},
		{"disabled", policy.Welcome{Scope: "repo"}, pr(AssocFirstTimer), ReasonDisabled},
		{"bot by type", on, bot, ReasonBot},
		{"bot by login", on, botLogin, ReasonBot},
		{"no author", on, noAuthor, ReasonNoAuthor},
		{"issue with issues off", on, issue, ReasonIssuesOff},
		{"issue with issues on", withIssues, issue, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, why := Eligible(tc.w, tc.it)
			if why != tc.want || ok != (tc.want == "") {
				t.Errorf("Eligible = %v, %q; want %q", ok, why, tc.want)
			}
		})
	}
}

func TestQuery(t *testing.T) {
	pr := Item{Owner: "thanos-io", Repo: "thanos", OwnerIsOrg: true, Number: 7, PullRequest: true, Author: "newbie"}
	issue := pr
	issue.PullRequest = false
	user := pr
	user.OwnerIsOrg = false
	for _, tc := range []struct {
		name    string
		it      Item
		org     bool
		want    string
		perPage int
	}{
		{"repo pr", pr, false, `repo:thanos-io/thanos is:pr author:newbie in:comments "mentorbot:welcome"`, 5},
		{"repo issue", issue, false, `repo:thanos-io/thanos is:issue author:newbie in:comments "mentorbot:welcome"`, 5},
		{"org pr", pr, true, `org:thanos-io is:pr author:newbie`, 2},
		{"user-owned pr", user, true, `user:thanos-io is:pr author:newbie`, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, n := Query(tc.it, tc.org)
			if q != tc.want || n != tc.perPage {
				t.Errorf("Query = %q, %d; want %q, %d", q, n, tc.want, tc.perPage)
			}
		})
	}
}

func TestJudge(t *testing.T) {
	it := Item{Owner: "o", Repo: "r", Number: 5, PullRequest: true, Author: "newbie"}
	res := func(total int, issues ...*github.Issue) *github.IssuesSearchResult {
		return &github.IssuesSearchResult{Total: github.Int(total), Issues: issues}
	}
	item := func(repo string, n, comments int) *github.Issue {
		return &github.Issue{Number: github.Int(n), RepositoryURL: github.String("https://api.github.com/repos/" + repo), Comments: github.Int(comments)}
	}
	for _, tc := range []struct {
		name string
		org  bool
		res  *github.IssuesSearchResult
		want Verdict
	}{
		{"repo: nothing", false, res(0), Unknown},
		{"repo: nil result", false, nil, Unknown},
		{"repo: a welcome", false, res(1, item("o/r", 2, 1)), Known},
		{"repo: welcome on this one (redelivery)", false, res(1, item("o/r", 5, 1)), Known},
		{"org: nothing (index lag)", true, res(0), Unknown},
		{"org: only this one, no comments", true, res(1, item("o/r", 5, 0)), Unknown},
		{"org: only this one, commented", true, res(1, item("o/r", 5, 2)), OnlyCurrent},
		{"org: same number elsewhere", true, res(1, item("o/other", 5, 0)), Known},
		{"org: repo name prefix is not this repo", true, res(1, item("o/rr", 5, 0)), Known},
		{"org: earlier in this repo", true, res(2, item("o/r", 5, 0), item("o/r", 3, 1)), Known},
		{"org: more than asked for", true, res(3, item("o/r", 5, 0)), Known},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Judge(it, tc.org, tc.res); got != tc.want {
				t.Errorf("Judge = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestHumanWait(t *testing.T) {
	for _, tc := range []struct {
		d        time.Duration
		business bool
		want     string
	}{
		{72 * time.Hour, true, "3 business days"},
		{72 * time.Hour, false, "3 days"},
		{24 * time.Hour, true, "1 business day"},
		{24 * time.Hour, false, "1 day"},
		{36 * time.Hour, false, "36 hours"},
		{36 * time.Hour, true, "36 hours (weekends not counted)"},
		{time.Hour, false, "1 hour"},
		{90 * time.Minute, false, "1h30m"},
		{0, false, "a little while"},
	} {
		if got := HumanWait(tc.d, tc.business); got != tc.want {
			t.Errorf("HumanWait(%s, %v) = %q, want %q", tc.d, tc.business, got, tc.want)
		}
	}
}

func TestIsGuide(t *testing.T) {
	for name, want := range map[string]bool{
		"CONTRIBUTING.md": true, "contributing.md": true, "Contributing.rst": true, "CONTRIBUTING": true,
		"CONTRIBUTING.txt": true, "CONTRIBUTORS.md": false, "contributing-guide.md": false, "README.md": false,
	} {
		if got := isGuide(name); got != want {
			t.Errorf("isGuide(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestWebURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://thanos.io/tip/contributing/CONTRIBUTING.md/": "https://thanos.io/tip/contributing/CONTRIBUTING.md/",
		"http://example.com/x":                                "http://example.com/x",
		"javascript:alert(1)":                                 "",
		"/relative/CONTRIBUTING.md":                           "",
		"https://x.com/a) [evil](https":                       "",
		"":                                                    "",
	} {
		if got := webURL(in); got != want {
			t.Errorf("webURL(%q) = %q, want %q", in, got, want)
		}
	}
}
