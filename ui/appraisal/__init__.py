"""Performance appraisal (绩效考核 · 下考上) in the command centre: the scoring dock,
the red/black list board (红黑榜), trend charts, the street survey, the scheme editor
and the printable PDF report.  The figures come from :mod:`app.appraisal`; this
package only shows them."""
