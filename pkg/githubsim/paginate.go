package githubsim

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// pageParams reads per_page (default 30, at most 100) and page (from 1).
func pageParams(c *call) (perPage, page int) {
	perPage, page = 30, 1
	if v, err := strconv.Atoi(c.query.Get("per_page")); err == nil && v > 0 {
		perPage = min(v, 100)
	}
	if v, err := strconv.Atoi(c.query.Get("page")); err == nil && v > 0 {
		page = v
	}
	return perPage, page
}

// paginate returns the requested page of items and sets the Link header as
// GitHub formats it: prev, next, last, first, each an absolute URL that keeps
// the request's other query parameters.
func paginate[T any](c *call, items []T) []T {
	perPage, page := pageParams(c)
	total := len(items)
	last := (total + perPage - 1) / perPage
	if last == 0 {
		last = 1
	}
	c.link = pageLinks(c, page, last)
	start := (page - 1) * perPage
	if start >= total {
		return []T{}
	}
	end := min(start+perPage, total)
	return items[start:end]
}

func pageLinks(c *call, page, last int) string {
	if last <= 1 && page <= 1 {
		return ""
	}
	var parts []string
	add := func(p int, rel string) {
		q := url.Values{}
		for k, v := range c.query {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(p))
		parts = append(parts, fmt.Sprintf("<%s%s?%s>; rel=%q", c.s.url, c.r.URL.EscapedPath(), q.Encode(), rel))
	}
	if page > 1 {
		add(min(page-1, last), "prev")
	}
	if page < last {
		add(page+1, "next")
		add(last, "last")
	}
	if page > 1 {
		add(1, "first")
	}
	return strings.Join(parts, ", ")
}

// parseTimeParam reads an ISO 8601 timestamp query parameter such as since.
func parseTimeParam(c *call, name string) (time.Time, *reply) {
	v := c.query.Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	rp := validationFailed(fmt.Sprintf("Invalid value for parameter %s: %q is not an ISO 8601 timestamp", name, v))
	rp.violation = fmt.Sprintf("query parameter %s=%q is not an ISO 8601 timestamp", name, v)
	return time.Time{}, &rp
}

// enumParam reads a query parameter that must be one of allowed (or empty,
// which gives def). Anything else is a 422 and a violation.
func enumParam(c *call, name, def string, allowed ...string) (string, *reply) {
	v := c.query.Get(name)
	if v == "" {
		return def, nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	rp := validationFailed(fmt.Sprintf("Invalid value for parameter %s: %q", name, v))
	rp.violation = fmt.Sprintf("query parameter %s=%q is not one of %v", name, v, allowed)
	return "", &rp
}
