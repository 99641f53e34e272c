//go:build race

package usertemplate

// raceEnabled is set under the race detector, which makes every step of a
// template several times slower, so the time limit may come before the
// step limit.
const raceEnabled = true
