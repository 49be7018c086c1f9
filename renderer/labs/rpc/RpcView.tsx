// The RPC lab's live view: the fleet's methods as treemaps by calls and by time, size CDFs, a sampled call tree
// and the latency-tax bars of a chosen category at the exogenous variables of the parameter bar. Static: it is
// drawn once per model, with no animation loop.
import { useRef, useState } from 'react';
import { useElementSize } from '../../components/useElementSize';
import { useDrawCounters, useLabViewModel } from '../../components/useLabViewModel';
import { ViewStatus } from '../../components/ViewStatus';
import { Tabs } from '../../components/Tabs';
import type { LabViewProps } from '../views';
import { CallTree, CategoryKey, ComponentKey, CycleBar, MethodTreemap, SizeCdf, TaxBars } from './panels';
import { SIZE_COLORS } from './colors';
import './rpc.css';

/** The tax column's two parts (latency, cycle); a view shorter than TAX_BOTH_H shows one at a time under tabs. */
type TaxPart = 'latency' | 'cycle';
const TAX_BOTH_H = 250;

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toPrecision(3)} s` : `${ms.toPrecision(3)} ms`);

export function RpcView({ params, seed, controls }: LabViewProps) {
  const { model, status, failed } = useLabViewModel('rpc', params, seed, 'Sampling');
  const [size, bodyRef] = useElementSize({ width: 1200, height: 420 });
  const [taxPart, setTaxPart] = useState<TaxPart>('latency');
  const taxTabs = size.height < TAX_BOTH_H;
  const showsTax = (part: TaxPart) => !taxTabs || taxPart === part;
  // React commits, for the idle check (a static view's count stays still while nothing changes).
  const rootRef = useRef<HTMLDivElement | null>(null);
  useDrawCounters(rootRef);

  const inner = Math.max(640, size.width - 24);
  const mapW = Math.floor(inner * 0.15);
  const rest = inner - 2 * mapW - 48;
  const [cdfW, treeW, taxW] = [0.28, 0.3, 0.42].map((f) => Math.floor(rest * f)) as [number, number, number];
  const panelH = Math.max(140, size.height - 40);
  // The CDF and the tree leave room for their heading (up to two lines) and key below.
  const chartH = Math.max(100, size.height - 100);
  return (
    <div className="lab-view rpc-view" data-testid="rpc-view" ref={rootRef}>
      <div className="rpc-controls">{controls}</div>
      <ViewStatus lab="rpc" status={status} failed={failed} />
      {model && (
        <>
          <div className="rpc-body" ref={bodyRef}>
            <section style={{ width: mapW }}>
              <h3 title="Area: the method's share of all calls (the fitted fleet catalogue)">
                Methods by calls
              </h3>
              <MethodTreemap model={model} by="callShare" width={mapW} height={panelH} />
            </section>
            <section style={{ width: mapW }}>
              <h3 title="Area: the method's share of all RPC time (calls × mean processing time)">
                Methods by time
              </h3>
              <MethodTreemap model={model} by="timeShare" width={mapW} height={panelH} />
            </section>
            <section style={{ width: cdfW }}>
              <h3>Request and response sizes (CDF of sampled RPCs)</h3>
              <SizeCdf model={model} width={cdfW} height={Math.min(chartH, 280)} />
              <div className="rpc-key">
                <span>
                  <i style={{ background: SIZE_COLORS.request }} />
                  request
                </span>
                <span>
                  <i style={{ background: SIZE_COLORS.response }} />
                  response
                </span>
              </div>
            </section>
            <section style={{ width: treeW }}>
              <h3 data-testid="rpc-tree-title">{`Call tree #${model.tree.index}: ${model.tree.nodes.length - 1} descendants, ${Math.max(...model.tree.nodes.map((n) => n.depth))} levels deep`}</h3>
              <CallTree model={model} width={treeW} height={Math.min(chartH, 300)} />
              <div className="rpc-muted">
                Root on top; each row one more ancestor; colour: the method’s category.
              </div>
            </section>
            <section style={{ width: taxW }}>
              {taxTabs && (
                <Tabs
                  tabs={[
                    ['latency', `Latency tax of ${model.category}`],
                    ['cycle', 'Cycle tax'],
                  ]}
                  selected={taxPart}
                  onSelect={setTaxPart}
                  label="Tax"
                  testId="rpc-tax-tab"
                  className="view-tabs"
                />
              )}
              {showsTax('latency') && (
                <>
                  {/* Under tabs the tab names the category. */}
                  {!taxTabs && (
                    <h3
                      data-testid="rpc-tax-title"
                      title="Reference point: CPU 50%, memory bandwidth 50%, no wake-up time"
                    >{`Latency tax of ${model.category} (mean per RPC)`}</h3>
                  )}
                  <TaxBars model={model} width={taxW} />
                  <ComponentKey />
                  <div
                    className="rpc-muted"
                    data-testid="rpc-tax-share"
                    title={`Reference point: CPU 50%, memory bandwidth 50%, no wake-up time. Server processing is ${fmtMs(model.tax.chosen['server-processing'] / 1000)} per RPC on average (not tax): the fitted latency family puts seconds of processing behind the mean RPC, so the time-weighted tax share falls far below the paper's 2% (see rpc-latency-tax).`}
                  >
                    {`Tax: ${(model.tax.taxShare.chosen * 100).toPrecision(2)}% of RPC time (reference ${(model.tax.taxShare.reference * 100).toPrecision(2)}%; paper: 2%, gap in rpc-latency-tax)`}
                  </div>
                </>
              )}
              {showsTax('cycle') && (
                <>
                  {!taxTabs && <h3>Cycle tax per RPC</h3>}
                  <CycleBar model={model} width={taxW} />
                </>
              )}
            </section>
          </div>
          <CategoryKey />
        </>
      )}
    </div>
  );
}
