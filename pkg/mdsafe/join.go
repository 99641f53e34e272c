package mdsafe

import (
	"strconv"
	"strings"
)

// JoinAnd joins already-safe phrases as people write a list in a sentence:
// "a", "a and b", "a, b and c". Every text the bot writes lists names this
// one way.
func JoinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// Count writes a number of things as people say it: "1 pull request",
// "3 pull requests". Every text the bot writes counts this one way.
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
