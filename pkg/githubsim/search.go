package githubsim

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// This file implements GET /search/issues: the qualifiers mentorbot needs,
// with GitHub's syntax. Anything else is refused (422) and recorded as a
// violation, so an unsupported query is noticed rather than half-answered.

type searchItem struct {
	r  *repo
	is *issueRec
}

type predicate func(it searchItem) bool

// searchQuery is a parsed q.
type searchQuery struct {
	scopes []predicate // repo:, org:, user: — any of them
	preds  []predicate // everything else — all of them
	terms  [][]string  // free-text terms (phrases), as words
	in     map[string]bool
	kind   bool // is:issue/is:pr/type: given
}

// tokenize splits q on spaces outside double quotes.
func tokenize(q string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case unicode.IsSpace(r) && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

func unquote(v string) string {
	if len(v) >= 2 && strings.HasPrefix(v, `"`) && strings.HasSuffix(v, `"`) {
		return v[1 : len(v)-1]
	}
	return v
}

// words splits text into lower-case words, as the search index does.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func containsPhrase(hay, phrase []string) bool {
	if len(phrase) == 0 {
		return true
	}
	for i := 0; i+len(phrase) <= len(hay); i++ {
		match := true
		for j := range phrase {
			if hay[i+j] != phrase[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// dateRange is a half-open interval [lo, hi); zero ends are open.
type dateRange struct{ lo, hi time.Time }

func (d dateRange) contains(t time.Time) bool {
	if t.IsZero() {
		return false
	}
	return (d.lo.IsZero() || !t.Before(d.lo)) && (d.hi.IsZero() || t.Before(d.hi))
}

// parseInstant reads a date (the whole day, UTC) or a datetime (that
// second) as an interval.
func parseInstant(v string) (time.Time, time.Time, error) {
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, t.Add(24 * time.Hour), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, t.Add(time.Second), nil
		}
	}
	return time.Time{}, time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD) or an ISO 8601 datetime", v)
}

// parseDateQualifier reads >X, >=X, <X, <=X, X..Y (either may be *) or X.
func parseDateQualifier(v string) (dateRange, error) {
	if a, b, ok := strings.Cut(v, ".."); ok {
		var d dateRange
		if a != "*" {
			lo, _, err := parseInstant(a)
			if err != nil {
				return d, err
			}
			d.lo = lo
		}
		if b != "*" {
			_, hi, err := parseInstant(b)
			if err != nil {
				return d, err
			}
			d.hi = hi
		}
		return d, nil
	}
	for _, op := range []string{">=", "<=", ">", "<"} {
		rest, ok := strings.CutPrefix(v, op)
		if !ok {
			continue
		}
		lo, hi, err := parseInstant(rest)
		if err != nil {
			return dateRange{}, err
		}
		switch op {
		case ">=":
			return dateRange{lo: lo}, nil
		case "<=":
			return dateRange{hi: hi}, nil
		case ">":
			return dateRange{lo: hi}, nil
		default:
			return dateRange{hi: lo}, nil
		}
	}
	lo, hi, err := parseInstant(v)
	return dateRange{lo: lo, hi: hi}, err
}

// searchLogin reads a user qualifier value; app/<slug> names an app's bot.
func searchLogin(v string) (string, error) {
	if v == "@me" {
		return "", fmt.Errorf("@me has no meaning for an installation token")
	}
	if slug, ok := strings.CutPrefix(v, "app/"); ok {
		return slug + "[bot]", nil
	}
	return v, nil
}

func (s *Server) commentedBy(it searchItem, login string) bool {
	for _, c := range it.r.comments {
		if c.Issue == it.is.Number && strings.EqualFold(c.User, login) {
			return true
		}
	}
	return false
}

func (s *Server) mentionedIn(it searchItem, login string) bool {
	if mentions(it.is.Body, login) {
		return true
	}
	for _, c := range it.r.comments {
		if c.Issue == it.is.Number && mentions(c.Body, login) {
			return true
		}
	}
	return false
}

func (s *Server) reviewRequested(it searchItem, login string, viaTeams bool) bool {
	if containsFold(it.is.RequestedReviewers, login) {
		return true
	}
	if !viaTeams {
		return false
	}
	o := s.st.orgs[strings.ToLower(it.r.owner)]
	if o == nil {
		return false
	}
	for _, slug := range it.is.RequestedTeams {
		if t := o.teams[strings.ToLower(slug)]; t != nil && containsFold(t.members, login) {
			return true
		}
	}
	return false
}

// qualifier turns key:value into a predicate.
func (s *Server) qualifier(q *searchQuery, key, value string) (predicate, error) {
	val := unquote(value)
	user := func(f func(it searchItem, login string) bool) (predicate, error) {
		login, err := searchLogin(val)
		if err != nil {
			return nil, err
		}
		return func(it searchItem) bool { return f(it, login) }, nil
	}
	date := func(get func(it searchItem) time.Time) (predicate, error) {
		d, err := parseDateQualifier(val)
		if err != nil {
			return nil, err
		}
		return func(it searchItem) bool { return d.contains(get(it)) }, nil
	}
	switch key {
	case "is", "type":
		switch strings.ToLower(val) {
		case "pr", "pull-request":
			q.kind = true
			return func(it searchItem) bool { return it.is.isPR }, nil
		case "issue":
			q.kind = true
			return func(it searchItem) bool { return !it.is.isPR }, nil
		}
		if key == "type" {
			return nil, fmt.Errorf("type:%s is not pr or issue", val)
		}
		switch strings.ToLower(val) {
		case "open", "closed":
			return func(it searchItem) bool { return it.is.State == strings.ToLower(val) }, nil
		case "merged":
			return func(it searchItem) bool { return it.is.isPR && it.is.Merged }, nil
		case "unmerged":
			return func(it searchItem) bool { return it.is.isPR && !it.is.Merged && it.is.State == "closed" }, nil
		case "draft":
			return func(it searchItem) bool { return it.is.isPR && it.is.Draft }, nil
		case "locked":
			return func(it searchItem) bool { return it.is.Locked }, nil
		case "unlocked":
			return func(it searchItem) bool { return !it.is.Locked }, nil
		case "public":
			return func(it searchItem) bool { return !it.r.private }, nil
		case "private":
			return func(it searchItem) bool { return it.r.private }, nil
		}
		return nil, fmt.Errorf("is:%s is not supported", val)
	case "state":
		switch strings.ToLower(val) {
		case "open", "closed":
			return func(it searchItem) bool { return it.is.State == strings.ToLower(val) }, nil
		}
		return nil, fmt.Errorf("state:%s is not open or closed", val)
	case "draft":
		b, err := strconv.ParseBool(val)
		if err != nil {
			return nil, fmt.Errorf("draft:%s is not true or false", val)
		}
		return func(it searchItem) bool { return it.is.isPR && it.is.Draft == b }, nil
	case "archived":
		b, err := strconv.ParseBool(val)
		if err != nil {
			return nil, fmt.Errorf("archived:%s is not true or false", val)
		}
		return func(searchItem) bool { return !b }, nil // No archived repositories.
	case "author":
		return user(func(it searchItem, l string) bool { return strings.EqualFold(it.is.User, l) })
	case "assignee":
		return user(func(it searchItem, l string) bool { return containsFold(it.is.Assignees, l) })
	case "commenter":
		return user(s.commentedBy)
	case "mentions":
		return user(s.mentionedIn)
	case "involves":
		return user(func(it searchItem, l string) bool {
			return strings.EqualFold(it.is.User, l) || containsFold(it.is.Assignees, l) || s.commentedBy(it, l) || s.mentionedIn(it, l)
		})
	case "reviewed-by":
		return user(func(it searchItem, l string) bool {
			for _, rv := range it.is.Reviews {
				if strings.EqualFold(rv.User, l) {
					return true
				}
			}
			return false
		})
	case "review-requested":
		return user(func(it searchItem, l string) bool { return s.reviewRequested(it, l, true) })
	case "user-review-requested":
		return user(func(it searchItem, l string) bool { return s.reviewRequested(it, l, false) })
	case "team-review-requested":
		return func(it searchItem) bool {
			orgName, slug, _ := strings.Cut(val, "/")
			return strings.EqualFold(orgName, it.r.owner) && containsFold(it.is.RequestedTeams, slug)
		}, nil
	case "label":
		// label:a,b means either.
		names := strings.Split(val, ",")
		return func(it searchItem) bool {
			for _, n := range names {
				if containsFold(it.is.Labels, unquote(n)) {
					return true
				}
			}
			return false
		}, nil
	case "no":
		switch strings.ToLower(val) {
		case "label":
			return func(it searchItem) bool { return len(it.is.Labels) == 0 }, nil
		case "assignee":
			return func(it searchItem) bool { return len(it.is.Assignees) == 0 }, nil
		case "milestone":
			return func(searchItem) bool { return true }, nil
		}
		return nil, fmt.Errorf("no:%s is not supported", val)
	case "base":
		return func(it searchItem) bool { return it.is.isPR && it.is.Base == val }, nil
	case "head":
		return func(it searchItem) bool { return it.is.isPR && it.is.Head == val }, nil
	case "created":
		return date(func(it searchItem) time.Time { return it.is.CreatedAt })
	case "updated":
		return date(func(it searchItem) time.Time { return it.is.UpdatedAt })
	case "closed":
		return date(func(it searchItem) time.Time {
			if it.is.State != "closed" {
				return time.Time{}
			}
			return it.is.ClosedAt
		})
	case "merged":
		return date(func(it searchItem) time.Time {
			if !it.is.Merged {
				return time.Time{}
			}
			return it.is.MergedAt
		})
	case "in":
		for _, f := range strings.Split(strings.ToLower(val), ",") {
			switch f {
			case "title", "body", "comments":
				q.in[f] = true
			default:
				return nil, fmt.Errorf("in:%s is not title, body or comments", f)
			}
		}
		return nil, nil
	}
	return nil, fmt.Errorf("unknown qualifier %q", key)
}

func (s *Server) parseSearch(q string) (*searchQuery, error) {
	sq := &searchQuery{in: map[string]bool{}}
	for _, tok := range tokenize(q) {
		neg := false
		if len(tok) > 1 && tok[0] == '-' {
			neg, tok = true, tok[1:]
		}
		switch tok {
		case "AND":
			continue
		case "OR", "NOT":
			return nil, fmt.Errorf("the %s operator is not supported by the simulator", tok)
		}
		key, value, isQual := strings.Cut(tok, ":")
		if isQual && !strings.HasPrefix(tok, `"`) && key != "" {
			key = strings.ToLower(key)
			switch key {
			case "repo", "org", "user":
				if neg {
					return nil, fmt.Errorf("-%s: is not supported by the simulator", key)
				}
				val := unquote(value)
				sq.scopes = append(sq.scopes, func(it searchItem) bool {
					if key == "repo" {
						return strings.EqualFold(it.r.fullName(), val)
					}
					return strings.EqualFold(it.r.owner, val)
				})
				continue
			}
			p, err := s.qualifier(sq, key, value)
			if err != nil {
				return nil, err
			}
			if p == nil {
				continue
			}
			if neg {
				inner := p
				p = func(it searchItem) bool { return !inner(it) }
			}
			sq.preds = append(sq.preds, p)
			continue
		}
		w := words(unquote(tok))
		if neg {
			sq.preds = append(sq.preds, func(it searchItem) bool { return !s.textMatch(sq, it, w) })
			continue
		}
		if len(w) > 0 {
			sq.terms = append(sq.terms, w)
		}
	}
	return sq, nil
}

// textMatch reports whether a term appears in the fields in: names; by
// default, as on GitHub, the title, body and comments.
func (s *Server) textMatch(sq *searchQuery, it searchItem, term []string) bool {
	in := sq.in
	if len(in) == 0 {
		in = map[string]bool{"title": true, "body": true, "comments": true}
	}
	if in["title"] && containsPhrase(words(it.is.Title), term) {
		return true
	}
	if in["body"] && containsPhrase(words(it.is.Body), term) {
		return true
	}
	if in["comments"] {
		for _, c := range it.r.comments {
			if c.Issue == it.is.Number && containsPhrase(words(c.Body), term) {
				return true
			}
		}
	}
	return false
}

func (s *Server) searchIssues(c *call) reply {
	q := c.query.Get("q")
	refuse := func(msg string) reply {
		rp := validationFailed("Validation Failed", map[string]any{"message": msg, "resource": "Search", "field": "q", "code": "invalid"})
		rp.violation = fmt.Sprintf("search q=%q: %s", q, msg)
		return rp
	}
	if strings.TrimSpace(q) == "" {
		return refuse("q is required")
	}
	if len(q) > 256 {
		return refuse("The search is longer than 256 characters.")
	}
	sortBy, rp := enumParam(c, "sort", "", "comments", "reactions", "reactions-+1", "reactions--1", "reactions-smile", "reactions-thinking_face", "reactions-heart", "reactions-tada", "interactions", "created", "updated")
	if rp != nil {
		return *rp
	}
	order, rp := enumParam(c, "order", "desc", "desc", "asc")
	if rp != nil {
		return *rp
	}
	sq, err := s.parseSearch(q)
	if err != nil {
		return refuse(err.Error())
	}
	// Since 2025 GitHub refuses issue searches that do not say which kind.
	if !sq.kind {
		return refuse("Query must include 'is:issue' or 'is:pr'")
	}
	perPage, page := pageParams(c)
	if (page-1)*perPage >= 1000 {
		return validationFailed("Only the first 1000 search results are available")
	}

	var items []searchItem
	for _, r := range s.st.repos {
		if r.private && !s.canSee(c.inst, r) {
			continue
		}
		for _, is := range r.issues {
			it := searchItem{r: r, is: is}
			if s.searchMatch(sq, it) {
				items = append(items, it)
			}
		}
	}
	key := func(it searchItem) int64 {
		switch sortBy {
		case "comments", "interactions":
			return int64(s.commentCount(it.r, it.is.Number))
		case "updated":
			return it.is.UpdatedAt.UnixNano()
		case "reactions", "reactions-+1", "reactions--1", "reactions-smile", "reactions-thinking_face", "reactions-heart", "reactions-tada":
			return 0
		}
		return it.is.CreatedAt.UnixNano()
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if order == "desc" {
			a, b = b, a
		}
		if ka, kb := key(a), key(b); ka != kb {
			return ka < kb
		}
		return a.is.ID < b.is.ID
	})
	total := len(items)
	if len(items) > 1000 {
		items = items[:1000]
	}
	out := []map[string]any{}
	for _, it := range paginate(c, items) {
		b, err := json.Marshal(s.issueJSON(it.r, it.is))
		if err != nil {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			continue
		}
		m["score"] = 1.0
		out = append(out, m)
	}
	return ok(map[string]any{"total_count": total, "incomplete_results": false, "items": out})
}

func (s *Server) searchMatch(sq *searchQuery, it searchItem) bool {
	if len(sq.scopes) > 0 {
		any := false
		for _, p := range sq.scopes {
			if p(it) {
				any = true
				break
			}
		}
		if !any {
			return false
		}
	}
	for _, p := range sq.preds {
		if !p(it) {
			return false
		}
	}
	for _, t := range sq.terms {
		if !s.textMatch(sq, it, t) {
			return false
		}
	}
	return true
}
