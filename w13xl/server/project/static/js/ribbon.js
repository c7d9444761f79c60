// w13xl: the ribbon button "Scenario's doorrekenen" (manifest.xml, FunctionName
// "scenarios-doorrekenen") runs the script scenarios_doorrekenen of custom_scripts.
async function scenariosDoorrekenen(event) {
  let authResult =
    typeof globalThis.getAuth === "function"
      ? await globalThis.getAuth()
      : { token: "", provider: "" };
  await xlwings.runPython({
    auth: authResult.token,
    scriptName: "scenarios_doorrekenen",
    headers: { "Auth-Provider": authResult.provider },
  });
  event.completed();
}
Office.actions.associate("scenarios-doorrekenen", scenariosDoorrekenen);
