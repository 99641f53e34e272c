package app

// wireWelcome adds the welcome jobs.
func (a *App) wireWelcome(js *jobSet) {}
