// A lab view's one status line while its model builds or when it could not ("Simulating… 40%",
// "Could not simulate: …" as an alert); nothing once the model is shown.
interface Props {
  /** The lab id: the line's class and test id are `<lab>-status`. */
  lab: string;
  status: string;
  failed: boolean;
}

export function ViewStatus({ lab, status, failed }: Props) {
  if (!status) return null;
  return (
    <div className={`${lab}-status`} data-testid={`${lab}-status`} role={failed ? 'alert' : undefined}>
      {status}
    </div>
  );
}
