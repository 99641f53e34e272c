package ghclient

import (
	"github.com/google/go-github/v60/github"
)

// All collects every page of a go-github list call: list is called with
// page 1, 2, ... until GitHub's Link header names no next page, or maxPages
// pages were read (0: no bound). Bounding matters for lists that grow
// without limit (comments of a long-lived tracking issue, timelines).
func All[T any](maxPages int, list func(page int) ([]T, *github.Response, error)) ([]T, error) {
	var out []T
	err := Each(maxPages, list, func(v T) bool {
		out = append(out, v)
		return true
	})
	return out, err
}

// Each calls fn for every item of every page, in order, until fn returns
// false, the pages end, or maxPages pages were read (0: no bound). It reads
// no page more than it needs.
func Each[T any](maxPages int, list func(page int) ([]T, *github.Response, error), fn func(T) bool) error {
	for page := 1; maxPages == 0 || page <= maxPages; {
		items, res, err := list(page)
		if err != nil {
			return err
		}
		for _, v := range items {
			if !fn(v) {
				return nil
			}
		}
		if res == nil || res.NextPage == 0 {
			return nil
		}
		page = res.NextPage
	}
	return nil
}
