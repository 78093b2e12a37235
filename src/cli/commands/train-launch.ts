import path from 'node:path';
import { defineCommand } from 'citty';
import { launchTraining, LLAMAFACTORY_INSTALL_HINT, readRecipe, resolveTrainerExecutable, trainCommand, TRAINER_CLI_VARIABLE, TRAINING_LOG_NAME, type TrainerMetrics } from '../../training/index.js';
import { EXIT } from '../_exit-codes.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'launch', description: `Run llamafactory-cli train on a recipe, with progress, loss and a log in output_dir (${TRAINER_CLI_VARIABLE} overrides the program)` },
  args: {
    recipe: { type: 'positional', description: 'LLaMA-Factory YAML recipe (from hangjia train plan, or your own)', required: true },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal } = openSession(data, args);
    const recipe = readRecipe(args.recipe, session.cwd);
    const command = trainCommand(recipe);
    const executable = resolveTrainerExecutable(session.env);
    if (executable === undefined) {
      // Not installed here (often: data prepared on a laptop, trained on a GPU server): say exactly what to run there.
      terminal.out(command);
      terminal.warn(`llamafactory-cli is not on PATH, so nothing was started. Run the command above where LLaMA-Factory is installed.\n${LLAMAFACTORY_INSTALL_HINT}`);
      session.exitCode = EXIT.usage;
      return;
    }
    terminal.info(`running: ${command}`);
    terminal.debug(`program: ${[executable.command, ...executable.prefixArgs].join(' ')}; working directory: ${session.cwd}`);
    terminal.info(`log: ${path.join(recipe.outputDir, TRAINING_LOG_NAME)}`);
    let metrics: TrainerMetrics | undefined;
    const result = await launchTraining({
      recipe,
      executable,
      cwd: session.cwd,
      env: session.env,
      onEvent: (event) => {
        switch (event.type) {
          case 'step':
            terminal.progress('train', event.step, event.totalSteps, describeMetrics(metrics));
            break;
          case 'metrics':
            metrics = event.metrics;
            terminal.info(`  ${describeMetrics(event.metrics)}`);
            break;
          case 'phase':
            terminal.debug(`${event.label}: ${event.done}/${event.total}`);
            break;
          case 'train-end':
            terminal.info(`  done: ${describeMetrics(event.metrics)}`);
            break;
          case 'train-start':
            break;
          case 'log-line':
            if (terminal.verbose) terminal.debug(event.line);
            else if (/error|exception|traceback|out of memory/iu.test(event.line)) terminal.warn(event.line);
            break;
        }
      },
    });
    terminal.endProgress();
    session.exitCode = result.exitCode;
    if (terminal.json) return terminal.outJson({ ...result, recipeFile: recipe.recipeFile, outputDir: recipe.outputDir, command });
    const steps = result.steps ? `${result.steps.step}/${result.steps.totalSteps} steps` : 'no training steps seen';
    const loss = result.trainMetrics?.train_loss ?? result.lastMetrics?.loss;
    terminal.out(`${result.exitCode === 0 ? 'training finished' : `training failed (exit ${result.exitCode}${result.signal ? `, ${result.signal}` : ''})`}: ${steps}${loss === undefined ? '' : `, loss ${loss}`}`);
    terminal.out(`log: ${result.logFile}`);
    if (result.exitCode === 0) terminal.out(`adapter: ${recipe.outputDir}\nserve it: hangjia train serve-config ${recipe.recipeFile}`);
  },
});

/** `loss 1.2345 · lr 9.5e-5 · epoch 0.50` from a metrics dict. */
function describeMetrics(metrics: TrainerMetrics | undefined): string {
  if (!metrics) return '';
  const parts: string[] = [];
  if (metrics.loss !== undefined) parts.push(`loss ${metrics.loss}`);
  if (metrics.train_loss !== undefined) parts.push(`train_loss ${metrics.train_loss}`);
  if (metrics.learning_rate !== undefined) parts.push(`lr ${metrics.learning_rate.toExponential(1)}`);
  if (metrics.epoch !== undefined) parts.push(`epoch ${metrics.epoch.toFixed(2)}`);
  if (metrics.train_runtime !== undefined) parts.push(`${metrics.train_runtime.toFixed(0)} s`);
  return parts.join(' · ');
}
