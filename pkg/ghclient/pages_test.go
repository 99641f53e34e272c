package ghclient

import (
	"errors"
	"testing"

	"github.com/google/go-github/v60/github"
)

func TestPages(t *testing.T) {
	// Three pages of two items; the last page names no next page.
	var asked []int
	list := func(page int) ([]int, *github.Response, error) {
		asked = append(asked, page)
		next := page + 1
		if page == 3 {
			next = 0
		}
		return []int{page*10 + 1, page*10 + 2}, &github.Response{NextPage: next}, nil
	}
	got, err := All(0, list)
	if err != nil || len(got) != 6 || got[5] != 32 {
		t.Fatalf("All = %v, %v", got, err)
	}
	asked = nil
	got, _ = All(2, list)
	if len(got) != 4 || len(asked) != 2 {
		t.Errorf("All(2) read pages %v, got %v", asked, got)
	}
	asked = nil
	var seen []int
	_ = Each(0, list, func(v int) bool { seen = append(seen, v); return v != 21 })
	if len(asked) != 2 || len(seen) != 3 {
		t.Errorf("Each stopped after pages %v, saw %v", asked, seen)
	}
	boom := errors.New("boom")
	if _, err := All(0, func(int) ([]int, *github.Response, error) { return nil, nil, boom }); !errors.Is(err, boom) {
		t.Errorf("error not returned: %v", err)
	}
}
