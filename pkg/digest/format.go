package digest

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/thanos-community/mentorbot/pkg/mdsafe"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// safeURL returns u when it is an absolute http(s) URL, with the characters
// that would end a Markdown link escaped, or "" when it is not one.
func safeURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return ""
	}
	return strings.NewReplacer("(", "%28", ")", "%29", "<", "%3C", ">", "%3E", " ", "%20").Replace(p.String())
}

// ref renders "owner/repo#123".
func ref(repo string, number int) string {
	if number == 0 {
		return repo
	}
	return fmt.Sprintf("%s#%d", repo, number)
}

// link renders [text](url), or just the escaped text when url is unusable.
func link(text, u string) string {
	if s := safeURL(u); s != "" {
		return "[" + mdsafe.Text(text) + "](" + s + ")"
	}
	return mdsafe.Text(text)
}

// title escapes a user-written title.
func title(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(no title)"
	}
	return mdsafe.Text(s)
}

// mentions renders @login for each login, space separated. Logins come from
// the roster, which the bot trusts; mdsafe.Mention still escapes anything that
// is not a login.
func mentions(logins ...string) string {
	out := make([]string, 0, len(logins))
	seen := map[string]bool{}
	for _, l := range logins {
		if l == "" || seen[strings.ToLower(l)] {
			continue
		}
		seen[strings.ToLower(l)] = true
		out = append(out, mdsafe.Mention(l))
	}
	return strings.Join(out, " ")
}

// duration renders a wait the way people say it: "5d 2h", "7h", "40m".
func duration(d time.Duration) string {
	d = d.Round(time.Minute)
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case days > 0:
		return fmt.Sprintf("%dd", days)
	case hours > 0:
		return fmt.Sprintf("%dh", hours)
	default:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	}
}

// shortDate renders a policy date as "30 November 2026".
func shortDate(d policy.Date) string {
	return d.In(time.UTC).Format("2 January 2006")
}

func sortedPRs(prs []PR) []PR {
	out := slices.Clone(prs)
	slices.SortStableFunc(out, func(a, b PR) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Repo), strings.ToLower(b.Repo)), cmp.Compare(a.Number, b.Number))
	})
	return out
}

func sortedItems(items []Item) []Item {
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b Item) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Repo), strings.ToLower(b.Repo)), cmp.Compare(a.Number, b.Number))
	})
	return out
}

func sortedTasks(tasks []Task) []Task {
	out := slices.Clone(tasks)
	slices.SortStableFunc(out, func(a, b Task) int {
		ra, na := splitRef(a.Ref)
		rb, nb := splitRef(b.Ref)
		return cmp.Or(strings.Compare(ra, rb), cmp.Compare(na, nb))
	})
	return out
}

// splitRef splits "owner/repo#12" so that #9 sorts before #10.
func splitRef(s string) (string, int) {
	repo, num, ok := strings.Cut(s, "#")
	if !ok {
		return strings.ToLower(s), 0
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return strings.ToLower(s), 0
	}
	return strings.ToLower(repo), n
}
