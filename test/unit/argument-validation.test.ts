/**
 * validateArgument skips classes that carry no class-validator rule (the page arguments of every list)
 * and still rejects what a class with rules refuses, alone or in a list.
 */
import { getMetadataStorage, type ValidationError } from 'class-validator';
import { ArgumentValidationError } from 'type-graphql';
import { validateArgument } from '../../src/schema';
import { PageArgs } from '../../src/graphql/pagination';
import { CreateUserInput } from '../../src/modules/users/user.inputs';

const input = (fields: Partial<CreateUserInput>) => Object.assign(new CreateUserInput(), fields);

async function rejection(value: unknown): Promise<ValidationError[] | null> {
  try {
    await validateArgument(value);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(ArgumentValidationError);
    return (err as ArgumentValidationError).extensions.validationErrors as ValidationError[];
  }
}

describe('validateArgument', () => {
  it('asks class-validator once per rule-less class, then never again', async () => {
    const storage = getMetadataStorage();
    const scan = jest.spyOn(storage, 'getTargetValidationMetadatas');
    try {
      for (let i = 0; i < 5; i++) await expect(validateArgument(Object.assign(new PageArgs(), { first: 20 }))).resolves.toBeUndefined();
      expect(scan.mock.calls.filter(([ctor]) => ctor === PageArgs).length).toBeLessThanOrEqual(1);
    } finally {
      scan.mockRestore();
    }
  });

  it('still rejects an input that breaks its rules, alone and inside a list', async () => {
    const bad = input({ username: 'Not Valid', password: 'short' });
    const alone = await rejection(bad);
    expect(alone?.map((e) => e.property).sort()).toEqual(['password', 'username']);
    const inList = await rejection([input({ username: 'fine', password: 'long-enough-1' }), bad]);
    expect(inList?.map((e) => e.property).sort()).toEqual(['password', 'username']);
    expect(await rejection([input({ username: 'fine', password: 'long-enough-1' })])).toBeNull();
  });

  it('leaves plain JSON values and scalars alone', async () => {
    expect(await rejection({ username: 'Not Valid' })).toBeNull();
    expect(await rejection(['x', 1, null])).toBeNull();
    expect(await rejection('text')).toBeNull();
  });
});
