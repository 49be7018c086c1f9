// The page of a lab that has no experiments yet: what it will be (DESIGN.md's table), no data.
import { labInfo } from '../labs/catalog';
import type { NavLab } from '../labs/catalog';

export function ComingSoon({ lab, servingHref }: { lab: NavLab; servingHref: string }) {
  const info = labInfo(lab);
  return (
    <section className="coming" data-testid={`coming-${lab}`} aria-label={`${info.name} (coming)`}>
      <div className="coming-card">
        <div className="eyebrow">Lab in preparation</div>
        <h1>{info.name}</h1>
        <div className="paper">{info.papers}</div>
        <dl>
          <dt>The picture</dt>
          <dd>{info.picture}</dd>
          <dt>What you will do here</dt>
          <dd>{info.activity}</dd>
        </dl>
        <p className="muted">
          No experiments are registered for this lab yet, so there is nothing to run or show. It will get the
          same shape as the LLM serving lab: declared parameters, a seeded run in the worker, a comparison
          with the paper’s published numbers, and a re-runnable report.
        </p>
        <a href={servingHref} className="button-link">
          Go to the LLM serving lab
        </a>
      </div>
    </section>
  );
}
