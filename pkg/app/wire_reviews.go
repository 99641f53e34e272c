package app

// wireReviews adds the reviews jobs.
func (a *App) wireReviews(js *jobSet) {}
