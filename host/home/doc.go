// Package home finds the integrator's home folder, where it keeps its store,
// its key file and user-installed plugins.
//
// It is policy about paths only; it creates nothing but the folder itself.
package home
