//go:build !race

package usertemplate

const raceEnabled = false
